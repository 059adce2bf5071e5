// `healthdeck admin` as a shell script runs it: the real binary, stdin not a terminal, against the
// in-process demo trading backend. Effects are checked in the backend's state and request log, the
// audit in the history file the command wrote.
#include "demo/demobackend.h"
#include "store/historystore.h"
#include "support/clirunner.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace hd;
using namespace hdtest;

namespace {

const QByteArray kPassword = "Cli-adm1n-pw-4412";
const QString kSchedulerControl = QStringLiteral("/api/system/scheduler-control");

} // namespace

class TestAdminCommand : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void readActionPrintsMessageAndData();
    void confirmationWithoutTerminalRefuses_data();
    void confirmationWithoutTerminalRefuses();
    void yesRunsTheActionOnce();
    void actionWithoutConfirmationNeedsNoTerminal();
    void jsonPrintsTheBackendsJson();
    void exitCodes_data();
    void exitCodes();
    void timeoutIsUnknownAndSentOnce();
    void auditInTheHistoryFileHoldsNoSecret();
    void missingPasswordIsAuthFailure();

private:
    QString writeConfig(const QByteArray& timeout = "5s", bool readOnly = false);
    CliResult admin(const QStringList& args, const QString& config = {});
    QList<AuditEntry> auditRows();
    DemoTradingApi* trading() const { return m_demo.tradingApi(); }
    // The demo's counters run for the whole test case; these count from init().
    int logins() const { return trading()->loginCount() - m_loginsBefore; }
    int failedLogins() const { return trading()->failedLoginCount() - m_failedLoginsBefore; }
    int ran(const QString& path) const { return trading()->actionCount(path) - m_ranBefore.value(path); }

    DemoBackend m_demo;
    int m_loginsBefore = 0;
    int m_failedLoginsBefore = 0;
    QHash<QString, int> m_ranBefore;
    QTemporaryDir m_dir;
    QString m_config;
    QString m_history;
    int m_files = 0;
};

void TestAdminCommand::initTestCase()
{
    // The binary must never reach a developer's real keychain (or make it ask to be unlocked).
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/healthdeck-test-bus");
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_demo.start(), qPrintable(m_demo.errorString()));
}

void TestAdminCommand::init()
{
    m_demo.resetFaults();
    trading()->setAdminDelay(0);
    trading()->setCredentials(QStringLiteral("admin"), QString::fromUtf8(kPassword));
    trading()->startScheduler();
    trading()->resetCaches();
    trading()->clearRequests();
    m_loginsBefore = trading()->loginCount();
    m_failedLoginsBefore = trading()->failedLoginCount();
    for (const char* path : { "/api/system/scheduler-status", "/api/system/scheduler-control",
             "/api/system/trigger-job", "/api/system/cache-stats", "/api/system/cache-clear",
             "/api/system/test-telegram", "/api/system/exchange-metadata" })
        m_ranBefore.insert(QLatin1String(path), trading()->actionCount(QLatin1String(path)));
    qputenv("HD_TEST_ADMIN_PASS", kPassword);
    ++m_files;
    m_history = m_dir.filePath(QStringLiteral("history-%1.sqlite").arg(m_files));
    m_config = writeConfig();
}

void TestAdminCommand::cleanup()
{
    qunsetenv("HD_TEST_ADMIN_PASS");
}

QString TestAdminCommand::writeConfig(const QByteArray& timeout, bool readOnly)
{
    const QByteArray url = m_demo.baseUrl(QStringLiteral("trading-api")).toString().toUtf8();
    const QByteArray yaml = "version: 1\n"
                            "services:\n"
                            "  - name: trading-api\n"
                            "    checks:\n"
                            "      - { name: live, http: { url: \""
        + url
        + "/health/live\" } }\n"
          "admin:\n"
        + QByteArray(readOnly ? "  read_only: true\n" : "")
        + "  trading-api:\n"
          "    preset: trading-system\n"
          "    timeout: "
        + timeout
        + "\n"
          "    auth:\n"
          "      login: { url: /login, username: admin, password: \"${HD_TEST_ADMIN_PASS}\" }\n"
          "  trading-keychain:\n"
          "    base_url: \""
        + url
        + "\"\n"
          "    preset: trading-system\n"
          "    auth:\n"
          "      login: { url: /login, username: admin }\n";
    return writeFile(
        m_dir, QStringLiteral("admin-%1%2.yaml").arg(m_files).arg(readOnly ? QStringLiteral("-ro") : QString()), yaml);
}

CliResult TestAdminCommand::admin(const QStringList& args, const QString& config)
{
    return runHealthdeck(QStringList { QStringLiteral("admin"), QStringLiteral("--config"),
                             config.isEmpty() ? m_config : config, QStringLiteral("--history"), m_history }
        + args);
}

QList<AuditEntry> TestAdminCommand::auditRows()
{
    HistoryOptions options;
    options.path = m_history;
    HistoryStore store(options);
    if (!store.open())
        return {};
    const QList<AuditEntry> rows = store.audit({});
    store.close();
    return rows;
}

void TestAdminCommand::readActionPrintsMessageAndData()
{
    const CliResult r = admin({ QStringLiteral("trading-api"), QStringLiteral("scheduler-status") });
    QVERIFY2(r.finished, r.err.constData());
    QCOMPARE(r.exitCode, 0);
    const QString out = QString::fromUtf8(r.out);
    QVERIFY2(out.startsWith(u"스케줄러가 실행 중입니다\n"), r.out.constData());
    QVERIFY2(out.contains(u"\"running\": true"), r.out.constData());
    QVERIFY2(out.contains(u"미실현 손익 계산"), r.out.constData()); // a job name, as the backend wrote it
    QCOMPARE(ran(QStringLiteral("/api/system/scheduler-status")), 1);
}

void TestAdminCommand::confirmationWithoutTerminalRefuses_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("what");
    QTest::newRow("scheduler-stop") << QStringList { QStringLiteral("scheduler-stop") }
                                    << "stop the scheduler on trading-api";
    QTest::newRow("scheduler-restart") << QStringList { QStringLiteral("scheduler-restart") }
                                       << "restart the scheduler on trading-api";
    QTest::newRow("trigger-job") << QStringList { QStringLiteral("trigger-job"),
        QStringLiteral("job_type=calculate_pnl") }
                                 << "run the job calculate_pnl on trading-api now";
    QTest::newRow("cache-clear") << QStringList { QStringLiteral("cache-clear"), QStringLiteral("type=price"),
        QStringLiteral("exchange=upbit") }
                                 << "clear the price cache of exchange upbit on trading-api";
}

void TestAdminCommand::confirmationWithoutTerminalRefuses()
{
    QFETCH(QStringList, args);
    QFETCH(QString, what);
    const int prices = trading()->cacheEntryCount(QStringLiteral("price"));
    const int runs = trading()->manualRunCount(QStringLiteral("calculate_pnl"));
    const CliResult r = admin(QStringList { QStringLiteral("trading-api") } + args);
    QVERIFY2(r.finished, r.err.constData());
    QCOMPARE(r.exitCode, 2);
    const QString err = QString::fromUtf8(r.err);
    QVERIFY2(err.contains(u"no terminal"), r.err.constData());
    QVERIFY2(err.contains(u"--yes to " + what), r.err.constData());
    QVERIFY(r.out.isEmpty());

    QVERIFY(trading()->requests().isEmpty()); // not even the login
    QVERIFY(trading()->isSchedulerRunning());
    QCOMPARE(trading()->cacheEntryCount(QStringLiteral("price")), prices);
    QCOMPARE(trading()->manualRunCount(QStringLiteral("calculate_pnl")), runs);
    const QList<AuditEntry> rows = auditRows();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().result, QStringLiteral("refused"));
    QCOMPARE(rows.first().action, args.first());
}

void TestAdminCommand::yesRunsTheActionOnce()
{
    const CliResult r
        = admin({ QStringLiteral("trading-api"), QStringLiteral("scheduler-stop"), QStringLiteral("--yes") });
    QVERIFY2(r.finished, r.err.constData());
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(QString::fromUtf8(r.out).section(u'\n', 0, 0), QStringLiteral("스케줄러가 중지되었습니다"));
    QVERIFY(!trading()->isSchedulerRunning());
    QCOMPARE(trading()->requests(kSchedulerControl).size(), 1);
    QCOMPARE(ran(kSchedulerControl), 1);
    QCOMPARE(logins(), 1);
}

void TestAdminCommand::actionWithoutConfirmationNeedsNoTerminal()
{
    const int before = trading()->telegramTestCount();
    const CliResult r = admin({ QStringLiteral("trading-api"), QStringLiteral("test-telegram") });
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(QString::fromUtf8(r.out).startsWith(u"텔레그램 테스트 메시지가 전송되었습니다"), r.out.constData());
    QCOMPARE(trading()->telegramTestCount(), before + 1);
}

void TestAdminCommand::jsonPrintsTheBackendsJson()
{
    CliResult r = admin({ QStringLiteral("trading-api"), QStringLiteral("cache-stats"), QStringLiteral("--json") });
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out.count('\n'), 1);
    QJsonParseError error {};
    QJsonObject doc = QJsonDocument::fromJson(r.out, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(doc.value(u"success").toBool(), true);
    QCOMPARE(doc.value(u"message").toString(), QStringLiteral("캐시 통계를 조회했습니다"));
    QCOMPARE(doc.value(u"data").toObject().value(u"total_clients").toInt(),
        trading()->cacheEntryCount(QStringLiteral("exchange")));

    // A failure prints the backend's JSON too, and exits 1.
    trading()->setTelegramFailing(true);
    r = admin({ QStringLiteral("trading-api"), QStringLiteral("test-telegram"), QStringLiteral("--json") });
    QCOMPARE(r.exitCode, 1);
    doc = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(doc.value(u"success").toBool(true), false);
    QCOMPARE(doc.value(u"message").toString(), QStringLiteral("텔레그램 메시지 전송에 실패했습니다"));

    // With no JSON from the backend, --json still prints JSON: healthdeck's account of what happened.
    trading()->setAdminBadBody(DemoTradingApi::BadBody::Html);
    r = admin({ QStringLiteral("trading-api"), QStringLiteral("cache-stats"), QStringLiteral("--json") });
    QCOMPARE(r.exitCode, 1);
    doc = QJsonDocument::fromJson(r.out, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(doc.value(u"success").toBool(true), false);
    QCOMPARE(doc.value(u"result").toString(), QStringLiteral("unknown"));
    QCOMPARE(doc.value(u"http_status").toInt(), 200);
    QVERIFY(doc.value(u"message").toString().contains(u"HTML page"));
}

void TestAdminCommand::exitCodes_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("fault");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QStringList>("mentions"); // on stderr
    QTest::addColumn<QString>("untouched"); // a path that must not have been requested

    QTest::newRow("backend failure") << QStringList { QStringLiteral("trading-api"), QStringLiteral("test-telegram") }
                                     << "telegram" << 1
                                     << QStringList { QStringLiteral("HTTP 500: 텔레그램 메시지 전송에 실패했습니다") }
                                     << "";
    QTest::newRow("backend answers HTML")
        << QStringList { QStringLiteral("trading-api"), QStringLiteral("cache-stats") } << "html" << 1
        << QStringList { QStringLiteral("unknown — check before repeating"), QStringLiteral("HTML page") } << "";
    QTest::newRow("500 with a stack trace")
        << QStringList { QStringLiteral("trading-api"), QStringLiteral("scheduler-start") } << "trace" << 1
        << QStringList { QStringLiteral("stack trace") } << "";
    QTest::newRow("wrong password") << QStringList { QStringLiteral("trading-api"), QStringLiteral("scheduler-stop"),
        QStringLiteral("--yes") } << "password"
                                    << 3
                                    << QStringList { QStringLiteral("아이디 또는 비밀번호가 올바르지 않습니다"),
                                           QStringLiteral("was not sent") }
                                    << kSchedulerControl;
    QTest::newRow("unknown action")
        << QStringList { QStringLiteral("trading-api"), QStringLiteral("scheduler-pause") } << "" << 2
        << QStringList { QStringLiteral("unknown action 'scheduler-pause'"),
               QStringLiteral("  scheduler-stop  (asks for confirmation)"),
               QStringLiteral("  cache-clear type=price|exchange|all [exchange=EXCHANGE] [market_type=MARKET_TYPE]") }
        << "/login";
    QTest::newRow("bad job type")
        << QStringList { QStringLiteral("trading-api"), QStringLiteral("trigger-job"), QStringLiteral("job_type=all"),
               QStringLiteral("--yes") }
        << "" << 2
        << QStringList { QStringLiteral(
               "valid values: update_orders, calculate_pnl, daily_summary, calculate_performance") }
        << "/login";
    QTest::newRow("missing parameter") << QStringList { QStringLiteral("trading-api"), QStringLiteral("cache-clear"),
        QStringLiteral("--yes") } << "" << 2
                                       << QStringList { QStringLiteral("cache-clear needs type=price|exchange|all") }
                                       << "/login";
    QTest::newRow("unknown parameter") << QStringList { QStringLiteral("trading-api"), QStringLiteral("cache-stats"),
        QStringLiteral("all=1") } << "" << 2
                                       << QStringList { QStringLiteral("unknown parameter 'all'") } << "/login";
    QTest::newRow("parameter without =") << QStringList { QStringLiteral("trading-api"), QStringLiteral("trigger-job"),
        QStringLiteral("calculate_pnl") } << ""
                                         << 2 << QStringList { QStringLiteral("key=value") } << "/login";
    QTest::newRow("unknown service") << QStringList { QStringLiteral("trading"), QStringLiteral("cache-stats") } << ""
                                     << 2
                                     << QStringList { QStringLiteral("no admin service 'trading'"),
                                            QStringLiteral("trading-api") }
                                     << "/login";
    QTest::newRow("no action") << QStringList { QStringLiteral("trading-api") } << "" << 2
                               << QStringList { QStringLiteral("actions of trading-api"),
                                      QStringLiteral("  test-telegram") }
                               << "/login";
    QTest::newRow("no service") << QStringList() << "" << 2
                                << QStringList { QStringLiteral("admin services: trading-api, trading-keychain") }
                                << "/login";
    QTest::newRow("--read-only") << QStringList { QStringLiteral("trading-api"), QStringLiteral("cache-stats"),
        QStringLiteral("--read-only") }
                                 << "" << 2 << QStringList { QStringLiteral("read-only") } << "/login";
    QTest::newRow("read_only in the config")
        << QStringList { QStringLiteral("trading-api"), QStringLiteral("scheduler-stop"), QStringLiteral("--yes") }
        << "readonly-config" << 2 << QStringList { QStringLiteral("read-only") } << "/login";
    QTest::newRow("config error") << QStringList { QStringLiteral("trading-api"), QStringLiteral("cache-stats") }
                                  << "bad-config" << 2 << QStringList { QStringLiteral(".yaml:3:") } << "/login";
}

void TestAdminCommand::exitCodes()
{
    QFETCH(QStringList, args);
    QFETCH(QString, fault);
    QFETCH(int, exitCode);
    QFETCH(QStringList, mentions);
    QFETCH(QString, untouched);
    QString config;
    if (fault == u"telegram")
        trading()->setTelegramFailing(true);
    else if (fault == u"html")
        trading()->setAdminBadBody(DemoTradingApi::BadBody::Html);
    else if (fault == u"trace")
        trading()->setAdminBadBody(DemoTradingApi::BadBody::StackTrace);
    else if (fault == u"password")
        trading()->setCredentials(QStringLiteral("admin"), QStringLiteral("rotated-password"));
    else if (fault == u"readonly-config")
        config = writeConfig("5s", true);
    else if (fault == u"bad-config")
        config = writeFile(m_dir, QStringLiteral("bad.yaml"),
            "version: 1\nadmin:\n  trading-api: { preset: trading-sytem, base_url: \"http://127.0.0.1:1\" }\n");

    const CliResult r = admin(args, config);
    QVERIFY2(r.finished, r.err.constData());
    QVERIFY2(r.exitCode == exitCode,
        qPrintable(QStringLiteral("exit %1, stderr: %2").arg(r.exitCode).arg(QString::fromUtf8(r.err))));
    const QString err = QString::fromUtf8(r.err);
    for (const QString& m : std::as_const(mentions))
        QVERIFY2(err.contains(m), qPrintable(u"stderr lacks \"" + m + u"\":\n" + err));
    if (!untouched.isEmpty())
        QVERIFY2(trading()->requests(untouched).isEmpty(), qPrintable(untouched));
    QVERIFY(trading()->isSchedulerRunning());
}

void TestAdminCommand::timeoutIsUnknownAndSentOnce()
{
    const QString config = writeConfig("300ms");
    trading()->setAdminDelay(1500);
    const CliResult r
        = admin({ QStringLiteral("trading-api"), QStringLiteral("scheduler-stop"), QStringLiteral("--yes") }, config);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(
        QString::fromUtf8(r.err).contains(u"unknown — check before repeating: trading-api did not answer within 300ms"),
        r.err.constData());
    QCOMPARE(trading()->requests(kSchedulerControl).size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(trading()->pendingResponses(), 0, 5000);
    QCOMPARE(trading()->requests(kSchedulerControl).size(), 1);
    QVERIFY(!trading()->isSchedulerRunning()); // it ran; only the answer was late
    QCOMPARE(auditRows().first().result, QStringLiteral("unknown"));
}

void TestAdminCommand::auditInTheHistoryFileHoldsNoSecret()
{
    QCOMPARE(admin({ QStringLiteral("trading-api"), QStringLiteral("trigger-job"),
                       QStringLiteral("job_type=update_orders"), QStringLiteral("--yes") })
                 .exitCode,
        0);
    QCOMPARE(
        admin({ QStringLiteral("trading-api"), QStringLiteral("cache-clear"), QStringLiteral("type=all") }).exitCode,
        2);
    QCOMPARE(admin({ QStringLiteral("trading-api"), QStringLiteral("cache-clear"), QStringLiteral("type=price"),
                       QStringLiteral("exchange=") + QString::fromUtf8(kPassword), QStringLiteral("--yes") })
                 .exitCode,
        0);
    trading()->setCredentials(QStringLiteral("admin"), QStringLiteral("rotated"));
    QCOMPARE(admin({ QStringLiteral("trading-api"), QStringLiteral("cache-stats") }).exitCode, 3);

    const QList<AuditEntry> rows = auditRows();
    QCOMPARE(rows.size(), 4);
    QCOMPARE(rows.at(3).action, QStringLiteral("trigger-job"));
    QCOMPARE(rows.at(3).result, QStringLiteral("success"));
    QCOMPARE(rows.at(3).params.value(u"job_type").toString(), QStringLiteral("update_orders"));
    QCOMPARE(rows.at(3).httpStatus, 200);
    QVERIFY(!rows.at(3).osUser.isEmpty());
    QCOMPARE(rows.at(2).result, QStringLiteral("refused"));
    QCOMPARE(rows.at(1).result, QStringLiteral("success"));
    QCOMPARE(rows.at(1).params.value(u"exchange").toString(), QStringLiteral("[redacted]"));
    QCOMPARE(rows.at(0).result, QStringLiteral("auth-failed"));

    QByteArray raw;
    for (const QString& suffix : { QString(), QStringLiteral("-wal") }) {
        QFile f(m_history + suffix);
        if (f.open(QIODevice::ReadOnly))
            raw += f.readAll();
    }
    QVERIFY(raw.contains("trigger-job"));
    QVERIFY2(!raw.contains(kPassword), "the password is in the history file");
}

void TestAdminCommand::missingPasswordIsAuthFailure()
{
    // The config gives no password: it would come from the system keychain, which holds none here.
    const CliResult r = admin({ QStringLiteral("trading-keychain"), QStringLiteral("cache-stats") });
    QVERIFY2(r.finished, r.err.constData());
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(QString::fromUtf8(r.err).contains(u"trading-keychain/password"), r.err.constData());
    QVERIFY(trading()->requests().isEmpty());
}

QTEST_GUILESS_MAIN(TestAdminCommand)
#include "tst_admincommand.moc"
