// `healthdeck check` as scripts use it: JSON shape, exit codes, filters, bounds.
#include "demo/demobackend.h"
#include "support/clirunner.h"
#include "support/hostileserver.h"
#include "support/testutil.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QtTest>

using namespace hdtest;

class TestCheckCommand : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void allOkExitsZero();
    void jsonKeysInDocumentedOrder();
    void databaseDownFails();
    void warningOnlyIsDegradedExitZero();
    void hungEndpointsBoundedByLargestTimeout();
    void resetAndGarbageAreDown();
    void filtersByServiceAndTag();
    void quietPrintsNothing();
    void textTableWithoutJson();
    void rateWithoutHistoryIsUnknown();
    void configErrorsExitTwo_data();
    void configErrorsExitTwo();
    void usageErrorsExitTwo();

private:
    QByteArray demoConfig(const QByteArray& extraServices = {}) const;
    QJsonObject runJson(const QString& config, const QStringList& extra, int* exitCode);

    hd::DemoBackend m_demo;
    QTemporaryDir m_dir;
};

void TestCheckCommand::initTestCase()
{
    QVERIFY2(m_demo.start(), qPrintable(m_demo.errorString()));
    QVERIFY(m_dir.isValid());
}

void TestCheckCommand::init()
{
    m_demo.resetFaults();
}

QByteArray TestCheckCommand::demoConfig(const QByteArray& extraServices) const
{
    const QByteArray api = m_demo.baseUrl(QStringLiteral("trading-api")).toString().toUtf8();
    const QByteArray portal = m_demo.baseUrl(QStringLiteral("portal")).toString().toUtf8();
    return "version: 1\n"
           "defaults: { timeout: 2s }\n"
           "services:\n"
           "  - name: database\n"
           "    checks:\n"
           "      - { name: primary, http: { url: \""
        + api
        + "/health\" }, conditions: [\"[BODY].database == healthy\"] }\n"
          "  - name: trading-api\n"
          "    depends_on: [database]\n"
          "    checks:\n"
          "      - { name: live, tags: [liveness], http: { url: \""
        + api
        + "/health/live\" } }\n"
          "      - { name: ready, tags: [readiness], http: { url: \""
        + api
        + "/health/ready\" } }\n"
          "  - name: portal\n"
          "    checks:\n"
          "      - { name: ready, tags: [readiness], http: { url: \""
        + portal + "/health/ready\" } }\n" + extraServices;
}

QJsonObject TestCheckCommand::runJson(const QString& config, const QStringList& extra, int* exitCode)
{
    const CliResult r = runHealthdeck(
        QStringList { QStringLiteral("check"), QStringLiteral("--config"), config, QStringLiteral("--json") } + extra);
    *exitCode = r.exitCode;
    if (!r.finished)
        return {};
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "not JSON:" << r.out << r.err;
    return doc.object();
}

void TestCheckCommand::allOkExitsZero()
{
    const QString config = writeFile(m_dir, QStringLiteral("ok.yaml"), demoConfig());
    int code = -1;
    const QJsonObject report = runJson(config, {}, &code);
    QCOMPARE(code, 0);
    QCOMPARE(report.value(u"status").toString(), QStringLiteral("ok"));
    const QJsonObject checks = report.value(u"checks").toObject();
    for (const char* key : { "database/primary", "trading-api/live", "trading-api/ready", "portal/ready" }) {
        const QJsonObject row = checks.value(QLatin1String(key)).toObject();
        QVERIFY2(!row.isEmpty(), key);
        QCOMPARE(row.value(u"status").toString(), QStringLiteral("ok"));
        QCOMPARE(row.value(u"severity").toString(), QStringLiteral("critical"));
        QVERIFY(row.value(u"latency_ms").isDouble());
        QVERIFY(row.value(u"latency_ms").toDouble() >= 0);
    }
    QVERIFY(QDateTime::fromString(report.value(u"timestamp").toString(), Qt::ISODate).isValid());
}

void TestCheckCommand::jsonKeysInDocumentedOrder()
{
    const QString config = writeFile(m_dir, QStringLiteral("order.yaml"), demoConfig());
    const CliResult r
        = runHealthdeck({ QStringLiteral("check"), QStringLiteral("--config"), config, QStringLiteral("--json") });
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.startsWith("{\"status\":\"ok\",\"timestamp\":\""));
    QVERIFY(r.out.contains("\"checks\":{\""));
    static const QRegularExpression row(QStringLiteral(
        R"re("trading-api/live":\{"status":"ok","severity":"critical","latency_ms":[0-9.]+,"detail":""\})re"));
    QVERIFY2(row.match(QString::fromUtf8(r.out)).hasMatch(), r.out.constData());
    QCOMPARE(r.out.count('\n'), 1); // one line
}

void TestCheckCommand::databaseDownFails()
{
    m_demo.tradingApi()->setDatabaseDown(true);
    const QString config = writeFile(m_dir, QStringLiteral("dbdown.yaml"), demoConfig());
    int code = -1;
    const QJsonObject report = runJson(config, {}, &code);
    QCOMPARE(code, 1);
    QCOMPARE(report.value(u"status").toString(), QStringLiteral("fail"));
    const QJsonObject checks = report.value(u"checks").toObject();
    const QJsonObject ready = checks.value(u"trading-api/ready").toObject();
    QCOMPARE(ready.value(u"status").toString(), QStringLiteral("down"));
    QVERIFY2(ready.value(u"detail").toString().startsWith(u"HTTP 503"), qPrintable(ready.value(u"detail").toString()));
    QCOMPARE(checks.value(u"database/primary").toObject().value(u"status").toString(), QStringLiteral("down"));
    QVERIFY2(checks.value(u"database/primary").toObject().value(u"detail").toString().contains(u"[BODY].database"),
        qPrintable(checks.value(u"database/primary").toObject().value(u"detail").toString()));
    QCOMPARE(checks.value(u"trading-api/live").toObject().value(u"status").toString(), QStringLiteral("ok"));
}

void TestCheckCommand::warningOnlyIsDegradedExitZero()
{
    HostileServer broken(HostileServer::Mode::Canned);
    broken.setCannedResponse("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    QVERIFY(broken.listen());
    const QByteArray extra = "  - name: reports\n    checks:\n"
                             "      - { name: export, severity: warning, http: { url: \""
        + broken.url(QStringLiteral("/x")).toString().toUtf8() + "\" } }\n";
    const QString config = writeFile(m_dir, QStringLiteral("warn.yaml"), demoConfig(extra));
    int code = -1;
    const QJsonObject report = runJson(config, {}, &code);
    QCOMPARE(code, 0);
    QCOMPARE(report.value(u"status").toString(), QStringLiteral("degraded"));
    const QJsonObject row = report.value(u"checks").toObject().value(u"reports/export").toObject();
    QCOMPARE(row.value(u"status").toString(), QStringLiteral("down"));
    QCOMPARE(row.value(u"severity").toString(), QStringLiteral("warning"));
    QCOMPARE(row.value(u"detail").toString(), QStringLiteral("HTTP 500"));
}

void TestCheckCommand::hungEndpointsBoundedByLargestTimeout()
{
    HostileServer hang(HostileServer::Mode::Hang);
    HostileServer drip(HostileServer::Mode::SlowDrip);
    QVERIFY(hang.listen());
    QVERIFY(drip.listen());
    QByteArray yaml = "version: 1\nservices:\n  - name: slow\n    checks:\n";
    for (int i = 0; i < 4; ++i)
        yaml += "      - { name: hang" + QByteArray::number(i) + ", timeout: 1s, http: { url: \""
            + hang.url(QStringLiteral("/h%1").arg(i)).toString().toUtf8() + "\" } }\n";
    yaml += "      - { name: drip, timeout: 1s, http: { url: \"" + drip.url().toString().toUtf8() + "\" } }\n";
    yaml += "      - { name: ok, timeout: 1s, http: { url: \""
        + m_demo.baseUrl(QStringLiteral("portal")).toString().toUtf8() + "/health/ping\" } }\n";
    const QString config = writeFile(m_dir, QStringLiteral("hang.yaml"), yaml);
    const CliResult r
        = runHealthdeck({ QStringLiteral("check"), QStringLiteral("--config"), config, QStringLiteral("--json") });
    QCOMPARE(r.exitCode, 1);
    // Five one-second timeouts run side by side: far less than their sum.
    QVERIFY2(r.elapsedMs < 3500, qPrintable(QString::number(r.elapsedMs)));
    const QJsonObject checks = QJsonDocument::fromJson(r.out).object().value(u"checks").toObject();
    for (const char* key : { "slow/hang0", "slow/hang3", "slow/drip" }) {
        const QJsonObject row = checks.value(QLatin1String(key)).toObject();
        QCOMPARE(row.value(u"status").toString(), QStringLiteral("down"));
        QVERIFY2(row.value(u"detail").toString().contains(u"timed out"), qPrintable(row.value(u"detail").toString()));
    }
    QCOMPARE(checks.value(u"slow/ok").toObject().value(u"status").toString(), QStringLiteral("ok"));
}

void TestCheckCommand::resetAndGarbageAreDown()
{
    HostileServer reset(HostileServer::Mode::Reset);
    HostileServer garbage(HostileServer::Mode::Garbage);
    HostileServer invalid(HostileServer::Mode::InvalidJson);
    QVERIFY(reset.listen());
    QVERIFY(garbage.listen());
    QVERIFY(invalid.listen());
    const QByteArray yaml = "version: 1\nservices:\n  - name: bad\n    checks:\n"
                            "      - { name: reset, http: { url: \""
        + reset.url().toString().toUtf8()
        + "\" } }\n"
          "      - { name: garbage, http: { url: \""
        + garbage.url().toString().toUtf8()
        + "\" } }\n"
          "      - { name: invalid-json, http: { url: \""
        + invalid.url().toString().toUtf8()
        + "\" },"
          " conditions: [\"[BODY].status == ok\"] }\n"
          "      - { name: refused, http: { url: \"http://127.0.0.1:"
        + QByteArray::number(freePort()) + "/\" } }\n";
    const QString config = writeFile(m_dir, QStringLiteral("bad.yaml"), yaml);
    int code = -1;
    const QJsonObject checks = runJson(config, {}, &code).value(u"checks").toObject();
    QCOMPARE(code, 1);
    for (const char* key : { "bad/reset", "bad/garbage", "bad/invalid-json", "bad/refused" }) {
        const QJsonObject row = checks.value(QLatin1String(key)).toObject();
        QVERIFY2(row.value(u"status").toString() == u"down", key);
        QVERIFY2(!row.value(u"detail").toString().isEmpty(), key);
    }
}

void TestCheckCommand::filtersByServiceAndTag()
{
    // Top-level rows only: sub-checks inside a body come along as service/check/item.
    const auto checksOf = [](const QJsonObject& report) {
        QStringList keys;
        for (const QString& key : report.value(u"checks").toObject().keys()) {
            if (key.count(u'/') == 1)
                keys << key;
        }
        return keys;
    };
    const QString config = writeFile(m_dir, QStringLiteral("filter.yaml"), demoConfig());
    int code = -1;
    QJsonObject report = runJson(config, { QStringLiteral("--service"), QStringLiteral("portal") }, &code);
    QCOMPARE(code, 0);
    QCOMPARE(checksOf(report), QStringList { QStringLiteral("portal/ready") });
    QVERIFY(report.value(u"checks").toObject().contains(u"portal/ready/database")); // Django-style sub-check

    report = runJson(config, { QStringLiteral("--tag"), QStringLiteral("readiness") }, &code);
    QCOMPARE(checksOf(report), (QStringList { QStringLiteral("portal/ready"), QStringLiteral("trading-api/ready") }));

    report = runJson(config,
        { QStringLiteral("--tag"), QStringLiteral("readiness"), QStringLiteral("--service"),
            QStringLiteral("trading-api"), QStringLiteral("--service"), QStringLiteral("database") },
        &code);
    QCOMPARE(checksOf(report), QStringList { QStringLiteral("trading-api/ready") });

    // A failing check outside the filter does not change the verdict.
    m_demo.portal()->setDatabaseDown(true);
    runJson(config, { QStringLiteral("--service"), QStringLiteral("trading-api") }, &code);
    QCOMPARE(code, 0);
}

void TestCheckCommand::quietPrintsNothing()
{
    m_demo.tradingApi()->setDatabaseDown(true);
    const QString config = writeFile(m_dir, QStringLiteral("quiet.yaml"), demoConfig());
    const CliResult r
        = runHealthdeck({ QStringLiteral("check"), QStringLiteral("--config"), config, QStringLiteral("--quiet") });
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.out.isEmpty());
}

void TestCheckCommand::textTableWithoutJson()
{
    const QString config = writeFile(m_dir, QStringLiteral("text.yaml"), demoConfig());
    const CliResult r = runHealthdeck({ QStringLiteral("check"), QStringLiteral("--config"), config });
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.startsWith("STATUS"), r.out.constData());
    QVERIFY(r.out.contains("trading-api/ready"));
    QVERIFY(r.out.contains("OK: "));
}

void TestCheckCommand::rateWithoutHistoryIsUnknown()
{
    const QByteArray extra = "  - name: counters\n    checks:\n"
                             "      - { name: rate, http: { url: \""
        + m_demo.baseUrl(QStringLiteral("trading-api")).toString().toUtf8()
        + "/health\" }, conditions: [\"rate([BODY].uptime_seconds) > 0\"] }\n";
    const QString config = writeFile(m_dir, QStringLiteral("rate.yaml"), demoConfig(extra));
    int code = -1;
    const QJsonObject row = runJson(config, {}, &code).value(u"checks").toObject().value(u"counters/rate").toObject();
    QCOMPARE(code, 1);
    QCOMPARE(row.value(u"status").toString(), QStringLiteral("unknown"));
    QVERIFY2(row.value(u"detail").toString().contains(u"not enough data"), qPrintable(row.value(u"detail").toString()));
}

void TestCheckCommand::configErrorsExitTwo_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("located"); // expected "LINE:COLUMN" right after the file name
    QTest::newRow("unknown-key") << QByteArray("version: 1\nservices:\n  - name: a\n    checks:\n      - name: c\n     "
                                               "   intervall: 5s\n        tcp: { host: 127.0.0.1, port: 1 }\n")
                                 << QStringLiteral(":6:9:");
    QTest::newRow("bad-condition") << QByteArray(
        "version: 1\nservices:\n  - name: a\n    checks:\n      - name: c\n        tcp: { host: 127.0.0.1, port: 1 }\n "
        "       conditions: [\"[STATUS] === 200\"]\n")
                                   << QStringLiteral(":7:");
    QTest::newRow("yaml-syntax") << QByteArray("version: 1\nservices: [\n") << QStringLiteral(":");
}

void TestCheckCommand::configErrorsExitTwo()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, located);
    const QString config = writeFile(m_dir, QStringLiteral("broken.yaml"), yaml);
    const CliResult r
        = runHealthdeck({ QStringLiteral("check"), QStringLiteral("--config"), config, QStringLiteral("--json") });
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(QString::fromUtf8(r.err).startsWith(config + located), r.err.constData());
}

void TestCheckCommand::usageErrorsExitTwo()
{
    QCOMPARE(runHealthdeck({ QStringLiteral("check"), QStringLiteral("--bogus") }).exitCode, 2);
    QCOMPARE(runHealthdeck({ QStringLiteral("check"), QStringLiteral("--config"),
                               m_dir.filePath(QStringLiteral("missing.yaml")) })
                 .exitCode,
        2);
    const QString config = writeFile(m_dir, QStringLiteral("usage.yaml"), demoConfig());
    const CliResult r = runHealthdeck({ QStringLiteral("check"), QStringLiteral("--config"), config,
        QStringLiteral("--service"), QStringLiteral("nope") });
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("nope"));
}

QTEST_GUILESS_MAIN(TestCheckCommand)
#include "tst_checkcommand.moc"
