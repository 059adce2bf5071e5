// The contract every probe kind gets from the Probe base: finished() exactly once per run, never from inside
// start(), the deadline, and nothing after cancel().
#include "probes/probe.h"

#include <QSignalSpy>
#include <QtTest>

using hd::ProbeResult;
using Outcome = hd::ProbeResult::Outcome;

namespace {

class FakeProbe final : public hd::Probe {
public:
    explicit FakeProbe(std::optional<qint64> timeoutMs, bool restartable = false)
        : m_restartable(restartable)
    {
        if (timeoutMs)
            setTimeout(*timeoutMs);
    }

    bool restartable() const override { return m_restartable; }

    // What run() does: nothing (the test finishes the run), or finish at once.
    bool finishInRun = false;
    int runs = 0;
    int cancelledRuns = 0;
    int finishedRuns = 0;

    void finishNow(const QString& error) { finish(withError(error)); }
    void passOnNow(ProbeResult result) { passOn(std::move(result)); }

private:
    static ProbeResult withError(const QString& error)
    {
        ProbeResult r;
        r.error = error;
        return r;
    }
    void run() override
    {
        ++runs;
        if (finishInRun) {
            finish(withError(QStringLiteral("first")));
            finish(withError(QStringLiteral("second")));
        }
    }
    void endRun(ProbeResult* result) override
    {
        ++(result ? finishedRuns : cancelledRuns);
        if (result)
            result->ip = QStringLiteral("192.0.2.1");
    }

    bool m_restartable;
};

ProbeResult only(const QSignalSpy& spy)
{
    return spy.at(0).at(0).value<ProbeResult>();
}

} // namespace

class TestProbe : public QObject {
    Q_OBJECT
private slots:
    void finishesOnce();
    void neverFromInsideStart();
    void deadlineFires();
    void nothingAfterCancel();
    void nothingAfterCancelOfAHeldResult();
    void deadlineStopsAtCancel();
    void runsOnceUnlessRestartable();
    void restartableRunsAgain();
    void passOnKeepsTheInnerLatency();
};

void TestProbe::finishesOnce()
{
    FakeProbe probe(std::nullopt);
    QSignalSpy spy(&probe, &hd::Probe::finished);
    probe.start();
    QTest::qWait(20);
    probe.finishNow(QStringLiteral("first"));
    probe.finishNow(QStringLiteral("second"));
    QCOMPARE(spy.size(), 1);
    const ProbeResult r = only(spy);
    QCOMPARE(r.error, QStringLiteral("first"));
    QCOMPARE(r.ip, QStringLiteral("192.0.2.1")); // endRun completed it
    QVERIFY2(r.latencyMs >= 15, qPrintable(QString::number(r.latencyMs)));
    QVERIFY(r.finishedAt.isValid());
    QCOMPARE(probe.finishedRuns, 1);
    QCOMPARE(probe.cancelledRuns, 0);
    QVERIFY(!spy.wait(100));
}

void TestProbe::neverFromInsideStart()
{
    FakeProbe probe(1000);
    probe.finishInRun = true;
    QSignalSpy spy(&probe, &hd::Probe::finished);
    probe.start();
    QCOMPARE(spy.size(), 0);
    QCOMPARE(probe.finishedRuns, 0); // the run holds on to what it has until the result goes
    QVERIFY(spy.wait(1000));
    QCOMPARE(spy.size(), 1);
    QCOMPARE(only(spy).error, QStringLiteral("first"));
    QVERIFY(!spy.wait(100));
    QCOMPARE(probe.finishedRuns, 1);
}

void TestProbe::deadlineFires()
{
    FakeProbe probe(150);
    QSignalSpy spy(&probe, &hd::Probe::finished);
    QElapsedTimer clock;
    clock.start();
    probe.start();
    QVERIFY(spy.wait(2000));
    const qint64 elapsed = clock.elapsed();
    const ProbeResult r = only(spy);
    QCOMPARE(r.outcome, Outcome::Timeout);
    QCOMPARE(r.error, QStringLiteral("timed out after 150 ms"));
    QVERIFY2(elapsed >= 140 && elapsed < 1000, qPrintable(QString::number(elapsed)));
    QVERIFY2(r.latencyMs >= 140, qPrintable(QString::number(r.latencyMs)));
    // A late answer after the deadline emits nothing more.
    probe.finishNow(QStringLiteral("late"));
    QCOMPARE(spy.size(), 1);
}

void TestProbe::nothingAfterCancel()
{
    FakeProbe probe(1000);
    QSignalSpy spy(&probe, &hd::Probe::finished);
    probe.start();
    probe.cancel();
    QCOMPARE(probe.cancelledRuns, 1);
    probe.finishNow(QStringLiteral("late"));
    probe.cancel(); // a second cancel() ends nothing more
    QCOMPARE(probe.cancelledRuns, 1);
    QVERIFY(!spy.wait(200));
    QCOMPARE(spy.size(), 0);
    QCOMPARE(probe.finishedRuns, 0);
}

void TestProbe::nothingAfterCancelOfAHeldResult()
{
    FakeProbe probe(1000);
    probe.finishInRun = true;
    QSignalSpy spy(&probe, &hd::Probe::finished);
    probe.start();
    probe.cancel(); // before the event loop delivers the result held from inside start()
    QVERIFY(!spy.wait(200));
    QCOMPARE(spy.size(), 0);
}

void TestProbe::deadlineStopsAtCancel()
{
    FakeProbe probe(50);
    QSignalSpy spy(&probe, &hd::Probe::finished);
    probe.start();
    probe.cancel();
    QVERIFY(!spy.wait(300));
    QCOMPARE(spy.size(), 0);
}

void TestProbe::runsOnceUnlessRestartable()
{
    FakeProbe probe(1000);
    QSignalSpy spy(&probe, &hd::Probe::finished);
    probe.start();
    probe.start(); // running: ignored
    QCOMPARE(probe.runs, 1);
    probe.finishNow(QStringLiteral("done"));
    probe.start(); // ran once: ignored
    QCOMPARE(probe.runs, 1);
    QVERIFY(!spy.wait(100));
    QCOMPARE(spy.size(), 1);
}

void TestProbe::restartableRunsAgain()
{
    FakeProbe probe(1000, true);
    QSignalSpy spy(&probe, &hd::Probe::finished);
    probe.start();
    probe.finishNow(QStringLiteral("one"));
    probe.start();
    QCOMPARE(probe.runs, 2);
    probe.finishNow(QStringLiteral("two"));
    QCOMPARE(spy.size(), 2);
    QCOMPARE(spy.at(1).at(0).value<ProbeResult>().error, QStringLiteral("two"));
    // Cancelled, it runs again too; the cancelled run's held result never arrives.
    probe.finishInRun = true;
    probe.start();
    probe.cancel();
    probe.finishInRun = false;
    probe.start();
    QVERIFY(!spy.wait(200));
    QCOMPARE(spy.size(), 2);
    probe.finishNow(QStringLiteral("four"));
    QCOMPARE(spy.size(), 3);
    QCOMPARE(spy.at(2).at(0).value<ProbeResult>().error, QStringLiteral("four"));
}

void TestProbe::passOnKeepsTheInnerLatency()
{
    FakeProbe probe(std::nullopt);
    QSignalSpy spy(&probe, &hd::Probe::finished);
    probe.start();
    ProbeResult inner;
    inner.latencyMs = 12.5;
    inner.finishedAt = QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC);
    probe.passOnNow(inner);
    QCOMPARE(spy.size(), 1);
    QCOMPARE(only(spy).latencyMs, 12.5);
    QCOMPARE(only(spy).finishedAt, inner.finishedAt);
}

QTEST_GUILESS_MAIN(TestProbe)
#include "tst_probe.moc"
