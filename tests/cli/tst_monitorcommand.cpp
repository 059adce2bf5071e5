// `healthdeck monitor` as a process: JSON lines after thresholds, the history
// file, signals, kill -9 durability, reload, and two writers on one file.
#include "demo/demobackend.h"
#include "store/historystore.h"
#include "support/clirunner.h"
#include "support/monitorprocess.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QtTest>

#include <csignal>

using namespace hdtest;

class TestMonitorCommand : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void linesAfterThresholdWithImpact();
    void sigtermFlushesAndExitsZero();
    void killNineLosesNothingPrinted();
    void reloadKeepsOldConfigOnError();
    void twoProcessesShareOneHistory();
    void badArgumentsExitTwo();

private:
    QByteArray config(const QByteArray& interval = "200ms") const;
    QList<hd::StateEvent> storedEvents(const QString& path);

    hd::DemoBackend m_demo;
    QTemporaryDir m_dir;
};

void TestMonitorCommand::initTestCase()
{
    QVERIFY2(m_demo.start(), qPrintable(m_demo.errorString()));
    QVERIFY(m_dir.isValid());
}

void TestMonitorCommand::init()
{
    m_demo.resetFaults();
}

QByteArray TestMonitorCommand::config(const QByteArray& interval) const
{
    const QByteArray api = m_demo.baseUrl(QStringLiteral("trading-api")).toString().toUtf8();
    return "version: 1\ndefaults: { interval: " + interval
        + ", failure_threshold: 2 }\nservices:\n"
          "  - name: database\n    checks:\n"
          // The dependency notices first (faster, threshold 1), so the dependant's change is reported as impacted.
          "      - { name: primary, interval: 100ms, failure_threshold: 1, http: { url: \""
        + api
        + "/health\" }, conditions: [\"[BODY].database == healthy\"] }\n"
          "  - name: trading-api\n    depends_on: [database]\n    checks:\n"
          "      - { name: ready, http: { url: \""
        + api + "/health/ready\" } }\n";
}

QList<hd::StateEvent> TestMonitorCommand::storedEvents(const QString& path)
{
    hd::HistoryOptions options;
    options.path = path;
    hd::HistoryStore store(options);
    if (!store.open() || store.isDegraded())
        qWarning() << "history did not open:" << store.degradedReason();
    hd::EventQuery query;
    query.oldestFirst = true;
    query.limit = 100000;
    return store.events(query);
}

void TestMonitorCommand::linesAfterThresholdWithImpact()
{
    const QString cfg = writeFile(m_dir, QStringLiteral("m1.yaml"), config());
    const QString history = m_dir.filePath(QStringLiteral("m1.sqlite"));
    MonitorProcess monitor({ QStringLiteral("--config"), cfg, QStringLiteral("--duration"), QStringLiteral("4s"),
        QStringLiteral("--history"), history });
    QTRY_VERIFY_WITH_TIMEOUT(monitor.countTo(QStringLiteral("trading-api/ready"), QStringLiteral("ok")) == 1, 5000);
    m_demo.tradingApi()->setDatabaseDown(true);
    QTRY_VERIFY_WITH_TIMEOUT(monitor.countTo(QStringLiteral("trading-api/ready"), QStringLiteral("down")) == 1, 5000);
    QVERIFY(monitor.waitFinished(8000));
    QCOMPARE(monitor.process.exitCode(), 0);

    QJsonObject down;
    for (const QJsonObject& o : std::as_const(monitor.lines)) {
        if (o.value(u"service").toString() == u"trading-api" && o.value(u"to").toString() == u"down")
            down = o;
    }
    QCOMPARE(down.value(u"from").toString(), QStringLiteral("ok"));
    QCOMPARE(down.value(u"severity").toString(), QStringLiteral("critical"));
    QCOMPARE(down.value(u"impacted_by").toString(), QStringLiteral("database"));
    QVERIFY(down.value(u"detail").toString().startsWith(u"HTTP 503"));
    QVERIFY(monitor.raw.first().startsWith("{\"time\":\""));
    QVERIFY(QDateTime::fromString(down.value(u"time").toString(), Qt::ISODateWithMs).isValid());
    for (const QJsonObject& o : std::as_const(monitor.lines)) {
        if (o.value(u"service").toString() == u"database" && o.value(u"to").toString() == u"down")
            QVERIFY(o.value(u"impacted_by").isNull());
    }

    const QList<hd::StateEvent> events = storedEvents(history);
    QCOMPARE(events.size(), monitor.lines.size());
}

void TestMonitorCommand::sigtermFlushesAndExitsZero()
{
    const QString cfg = writeFile(m_dir, QStringLiteral("m2.yaml"), config());
    MonitorProcess monitor(
        { QStringLiteral("--config"), cfg, QStringLiteral("--history"), m_dir.filePath(QStringLiteral("m2.sqlite")) });
    QTRY_VERIFY_WITH_TIMEOUT(monitor.lines.size() >= 2, 5000);
    monitor.process.terminate(); // SIGTERM
    QVERIFY(monitor.waitFinished(5000));
    QCOMPARE(monitor.process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(monitor.process.exitCode(), 0);

    MonitorProcess again(
        { QStringLiteral("--config"), cfg, QStringLiteral("--history"), m_dir.filePath(QStringLiteral("m2.sqlite")) });
    QTRY_VERIFY_WITH_TIMEOUT(again.lines.size() >= 1, 5000);
    ::kill(pid_t(again.process.processId()), SIGINT);
    QVERIFY(again.waitFinished(5000));
    QCOMPARE(again.process.exitCode(), 0);
}

void TestMonitorCommand::killNineLosesNothingPrinted()
{
    const QString cfg = writeFile(m_dir, QStringLiteral("m3.yaml"), config("100ms"));
    const QString history = m_dir.filePath(QStringLiteral("m3.sqlite"));
    MonitorProcess monitor({ QStringLiteral("--config"), cfg, QStringLiteral("--history"), history });
    QTRY_VERIFY_WITH_TIMEOUT(monitor.lines.size() >= 2, 5000);
    m_demo.tradingApi()->setDatabaseDown(true);
    QTRY_VERIFY_WITH_TIMEOUT(monitor.countTo(QStringLiteral("trading-api/ready"), QStringLiteral("down")) == 1, 5000);
    monitor.process.kill(); // SIGKILL: no flush, no goodbye
    QVERIFY(monitor.waitFinished(5000));
    const QList<QJsonObject> printed = monitor.lines;

    const QList<hd::StateEvent> events = storedEvents(history);
    QVERIFY(events.size() >= printed.size());
    for (const QJsonObject& line : printed) {
        bool found = false;
        for (const hd::StateEvent& e : events) {
            found |= e.service == line.value(u"service").toString() && e.check == line.value(u"check").toString()
                && hd::statusName(e.to) == line.value(u"to").toString()
                && QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC).toString(Qt::ISODateWithMs)
                    == line.value(u"time").toString();
        }
        QVERIFY2(found, QJsonDocument(line).toJson(QJsonDocument::Compact).constData());
    }
}

void TestMonitorCommand::reloadKeepsOldConfigOnError()
{
    const QString cfg = writeFile(m_dir, QStringLiteral("m4.yaml"), config());
    MonitorProcess monitor(
        { QStringLiteral("--config"), cfg, QStringLiteral("--history"), m_dir.filePath(QStringLiteral("m4.sqlite")) });
    QTRY_VERIFY_WITH_TIMEOUT(monitor.lines.size() >= 2, 5000);

    writeFile(m_dir, QStringLiteral("m4.yaml"), "version: 1\nservices: [\n");
    QTRY_VERIFY_WITH_TIMEOUT(monitor.err.contains("keeping the previous config"), 5000);
    QVERIFY(monitor.err.contains("m4.yaml:"));
    // Still monitoring with the old config.
    m_demo.tradingApi()->setDatabaseDown(true);
    QTRY_VERIFY_WITH_TIMEOUT(monitor.countTo(QStringLiteral("trading-api/ready"), QStringLiteral("down")) == 1, 5000);
    m_demo.tradingApi()->setDatabaseDown(false);

    writeFile(m_dir, QStringLiteral("m4.yaml"),
        config() + "  - name: portal\n    checks:\n      - { name: ping, http: { url: \""
            + m_demo.baseUrl(QStringLiteral("portal")).toString().toUtf8() + "/health/ping\" } }\n");
    QTRY_VERIFY_WITH_TIMEOUT(monitor.countTo(QStringLiteral("portal/ping"), QStringLiteral("ok")) == 1, 5000);
    // The unchanged check kept its state: no second "starting -> ok" for it.
    QTRY_VERIFY_WITH_TIMEOUT(monitor.countTo(QStringLiteral("trading-api/ready"), QStringLiteral("ok")) == 2, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(
        monitor.countTo(QStringLiteral("database/primary"), QStringLiteral("ok")), 2, 5000); // ok, down, ok
    monitor.process.terminate();
    QVERIFY(monitor.waitFinished(5000));
}

void TestMonitorCommand::twoProcessesShareOneHistory()
{
    const QString cfg = writeFile(m_dir, QStringLiteral("m5.yaml"), config("100ms"));
    const QString history = m_dir.filePath(QStringLiteral("m5.sqlite"));
    MonitorProcess a({ QStringLiteral("--config"), cfg, QStringLiteral("--history"), history,
        QStringLiteral("--duration"), QStringLiteral("3s") });
    MonitorProcess b({ QStringLiteral("--config"), cfg, QStringLiteral("--history"), history,
        QStringLiteral("--duration"), QStringLiteral("3s") });
    QTRY_VERIFY_WITH_TIMEOUT(a.lines.size() >= 2 && b.lines.size() >= 2, 5000);
    m_demo.tradingApi()->setDatabaseDown(true);
    QVERIFY(a.waitFinished(8000));
    QVERIFY(b.waitFinished(8000));
    QCOMPARE(a.process.exitCode(), 0);
    QCOMPARE(b.process.exitCode(), 0);
    QVERIFY2(!a.err.contains("in-memory") && !b.err.contains("in-memory"), QByteArray(a.err + b.err).constData());
    QCOMPARE(storedEvents(history).size(), a.lines.size() + b.lines.size());
}

void TestMonitorCommand::badArgumentsExitTwo()
{
    QCOMPARE(runHealthdeck({ QStringLiteral("monitor"), QStringLiteral("--duration"), QStringLiteral("soon"),
                               QStringLiteral("--config"), m_dir.filePath(QStringLiteral("m1.yaml")) })
                 .exitCode,
        2);
    QCOMPARE(runHealthdeck(
                 { QStringLiteral("monitor"), QStringLiteral("--config"), m_dir.filePath(QStringLiteral("nope.yaml")) })
                 .exitCode,
        2);
}

QTEST_GUILESS_MAIN(TestMonitorCommand)
#include "tst_monitorcommand.moc"
