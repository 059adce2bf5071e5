// Auto-healing in `healthdeck monitor` processes: the contract's JSON lines for attempts and for giving up,
// --no-remediate and --read-only, the attempts in the history's audit log, and two monitors on one history
// with exactly one of them acting.
#include "store/historystore.h"
#include "support/clirunner.h"
#include "support/monitorprocess.h"
#include "support/testutil.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QtTest>

using namespace hdtest;

class TestAutoHeal : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void monitorPrintsAttemptsThenGivesUp();
    void switchedOff_data();
    void switchedOff();
    void twoMonitorsOneActor();

private:
    QByteArray config(const QString& counter, int maxAttempts) const;
    static int runs(const QString& counter);

    QTemporaryDir m_dir;
};

void TestAutoHeal::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

// A check on a closed port (down at once) whose remediation counts its runs in a file and fails.
QByteArray TestAutoHeal::config(const QString& counter, int maxAttempts) const
{
    return "version: 1\nservices:\n  - name: gateway\n    checks:\n      - name: port\n"
           "        interval: 100ms\n        failure_threshold: 1\n"
           "        tcp: { host: 127.0.0.1, port: "
        + QByteArray::number(freePort()) + " }\n"
        + "        remediate:\n          exec: [\"sh\", \"-c\", \"echo run >> '" + counter.toUtf8()
        + "'; echo still broken; exit 1\"]\n"
          "          after: 200ms\n          backoff: 300ms\n          max_attempts: "
        + QByteArray::number(maxAttempts) + "\n";
}

int TestAutoHeal::runs(const QString& counter)
{
    QFile f(counter);
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    return int(f.readAll().count('\n'));
}

void TestAutoHeal::monitorPrintsAttemptsThenGivesUp()
{
    const QString counter = m_dir.filePath(QStringLiteral("runs-lines"));
    const QString cfg = writeFile(m_dir, QStringLiteral("lines.yaml"), config(counter, 2));
    const QString history = m_dir.filePath(QStringLiteral("lines.sqlite"));
    MonitorProcess monitor({ QStringLiteral("--config"), cfg, QStringLiteral("--duration"), QStringLiteral("4s"),
        QStringLiteral("--history"), history });
    QVERIFY(monitor.waitFinished(15'000));
    QCOMPARE(monitor.process.exitCode(), 0);
    const QList<QJsonObject> lines = monitor.autoHeal();
    QVERIFY2(lines.size() == 3, monitor.err.constData());
    const QStringList keys { QStringLiteral("time"), QStringLiteral("service"), QStringLiteral("check"),
        QStringLiteral("action"), QStringLiteral("attempt"), QStringLiteral("of"), QStringLiteral("result"),
        QStringLiteral("detail") };
    for (int i = 0; i < 3; ++i) {
        const QJsonObject& o = lines.at(i);
        QCOMPARE(o.keys().size(), keys.size());
        for (const QString& k : keys)
            QVERIFY2(o.contains(k), qPrintable(k));
        QCOMPARE(o.value(u"service").toString(), QStringLiteral("gateway"));
        QCOMPARE(o.value(u"check").toString(), QStringLiteral("port"));
        QCOMPARE(o.value(u"of").toInt(), 2);
        QVERIFY(QDateTime::fromString(o.value(u"time").toString(), Qt::ISODateWithMs).isValid());
    }
    QCOMPARE(lines[0].value(u"attempt").toInt(), 1);
    QCOMPARE(lines[0].value(u"result").toString(), QStringLiteral("failure"));
    QVERIFY2(lines[0].value(u"detail").toString().endsWith(u"\u2192 exit 1 still broken"),
        qPrintable(lines[0].value(u"detail").toString()));
    QCOMPARE(lines[1].value(u"attempt").toInt(), 2);
    QCOMPARE(lines[2].value(u"result").toString(), QStringLiteral("gave-up"));
    QCOMPARE(lines[2].value(u"attempt").toInt(), 2);
    QCOMPARE(runs(counter), 2);

    hd::HistoryOptions options;
    options.path = history;
    hd::HistoryStore store(options);
    QVERIFY(store.open());
    const QList<hd::AuditEntry> audit = store.audit({});
    QCOMPARE(audit.size(), 3); // two attempts and giving up
    QCOMPARE(audit.first().service, QStringLiteral("gateway"));
    QCOMPARE(audit.first().result, QStringLiteral("gave-up"));
}

void TestAutoHeal::switchedOff_data()
{
    QTest::addColumn<QString>("flag");
    QTest::newRow("--no-remediate") << QStringLiteral("--no-remediate");
    QTest::newRow("--read-only") << QStringLiteral("--read-only");
}

void TestAutoHeal::switchedOff()
{
    QFETCH(QString, flag);
    const QString counter = m_dir.filePath(u"runs-off" + flag);
    const QString cfg = writeFile(m_dir, QStringLiteral("off.yaml"), config(counter, 2));
    MonitorProcess monitor({ QStringLiteral("--config"), cfg, QStringLiteral("--duration"), QStringLiteral("2s"),
        QStringLiteral("--history"), m_dir.filePath(u"off" + flag + u".sqlite"), flag });
    QVERIFY(monitor.waitFinished(15'000));
    QCOMPARE(monitor.process.exitCode(), 0);
    QVERIFY(!monitor.lines.isEmpty()); // the state change still comes
    QCOMPARE(monitor.autoHeal().size(), 0);
    QCOMPARE(runs(counter), 0);
}

void TestAutoHeal::twoMonitorsOneActor()
{
    const QString counter = m_dir.filePath(QStringLiteral("runs-two"));
    const QString cfg = writeFile(m_dir, QStringLiteral("two.yaml"), config(counter, 1));
    const QString history = m_dir.filePath(QStringLiteral("two.sqlite"));
    const QStringList args { QStringLiteral("--config"), cfg, QStringLiteral("--duration"), QStringLiteral("3s"),
        QStringLiteral("--history"), history };
    MonitorProcess a(args);
    MonitorProcess b(args);
    QVERIFY(a.waitFinished(15'000));
    QVERIFY(b.waitFinished(15'000));
    QCOMPARE(a.process.exitCode(), 0);
    QCOMPARE(b.process.exitCode(), 0);
    const QList<QJsonObject> heal = a.autoHeal() + b.autoHeal();
    int attempts = 0;
    int gaveUp = 0;
    for (const QJsonObject& o : heal) {
        attempts += o.value(u"result").toString() != u"gave-up";
        gaveUp += o.value(u"result").toString() == u"gave-up";
    }
    const QByteArray err = a.err + b.err;
    QVERIFY2(attempts == 1, err.constData());
    QCOMPARE(gaveUp, 1);
    QCOMPARE(runs(counter), 1);
    // Both saw the check go down; one of them says it stood by.
    QVERIFY2(err.contains("auto-heal on standby: another healthdeck acts for this history"), err.constData());
}

QTEST_GUILESS_MAIN(TestAutoHeal)
#include "tst_autoheal.moc"
