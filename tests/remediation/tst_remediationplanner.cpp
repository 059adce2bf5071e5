// The remediation planner: rows fed by hand for its guardrails, back-off and budget (exec commands that count
// their runs in a file), and a whole engine against the demo backend for a stopped scheduler healed by itself.
#include "admin/adminaction.h"
#include "admin/adminclient.h"
#include "config/configloader.h"
#include "demo/demobackend.h"
#include "monitor/monitorengine.h"
#include "remediation/remediationlease.h"
#include "remediation/remediationplanner.h"
#include "store/historystore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace hd;

class TestRemediationPlanner : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void configDefaultsAndErrors_data();
    void configDefaultsAndErrors();
    void actionMustBeOneOfTheService();
    void waitsForAfterThenRunsOnce();
    void brokenBackendGetsExactlyMaxAttempts();
    void guardrailsHoldTheAttempt_data();
    void guardrailsHoldTheAttempt();
    void switchedOffOrReadOnly();
    void budgetResetsAfterHealthyWindow();
    void cancelAndRunNow();
    void serviceRemediationCoversItsChecks();
    void leaseMakesOneActor();
    void leaseOnlyWhileItMayAct();
    void healsStoppedSchedulerOnDemo();

private:
    Config load(const QByteArray& yaml);
    QByteArray counterConfig(const QByteArray& remediateExtra, const QByteArray& exitCode = "0");
    int runs() const;
    RowState down(const QString& key, qint64 downForMs) const;

    DemoBackend m_demo;
    QTemporaryDir m_dir;
    QString m_counter;
};

void TestRemediationPlanner::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_demo.start(), qPrintable(m_demo.errorString()));
}

void TestRemediationPlanner::init()
{
    m_demo.resetFaults();
    m_counter = m_dir.filePath(QStringLiteral("runs-%1").arg(QLatin1StringView(QTest::currentTestFunction())));
    QFile::remove(m_counter);
}

Config TestRemediationPlanner::load(const QByteArray& yaml)
{
    const ConfigLoadResult r
        = loadConfigString(yaml, m_dir.filePath(QStringLiteral("test.yaml")), QProcessEnvironment::systemEnvironment());
    if (!r.config) {
        for (const ConfigError& e : r.errors)
            qWarning() << e.toString();
        qFatal("test config does not load");
    }
    return *r.config;
}

// A check `api/ready` whose remediation appends a line to the counter file (and exits with exitCode).
QByteArray TestRemediationPlanner::counterConfig(const QByteArray& remediateExtra, const QByteArray& exitCode)
{
    return "version: 1\nservices:\n  - name: api\n    checks:\n      - name: ready\n"
           "        tcp: { host: 127.0.0.1, port: 9 }\n"
           "        remediate:\n          exec: [\"sh\", \"-c\", \"echo run >> '"
        + m_counter.toUtf8() + "'; exit " + exitCode + "\"]\n" + remediateExtra;
}

int TestRemediationPlanner::runs() const
{
    QFile f(m_counter);
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    return int(f.readAll().count('\n'));
}

RowState TestRemediationPlanner::down(const QString& key, qint64 downForMs) const
{
    RowState row;
    row.key = key;
    row.service = key.section(u'/', 0, 0);
    row.check = key.section(u'/', 1, 1);
    row.item = key.section(u'/', 2);
    row.status = Status::Down;
    row.rawStatus = Status::Down;
    row.since = QDateTime::currentDateTimeUtc().addMSecs(-downForMs);
    return row;
}

void TestRemediationPlanner::configDefaultsAndErrors_data()
{
    QTest::addColumn<QByteArray>("remediate");
    QTest::addColumn<QString>("error"); // empty: loads

    QTest::newRow("defaults") << QByteArray("{ exec: [\"true\"] }") << QString();
    QTest::newRow("both") << QByteArray("{ exec: [\"true\"], action: cache-stats }")
                          << QStringLiteral(
                                 "test.yaml:8:34: 'remediate' takes one of action or exec; found exec and action");
    QTest::newRow("neither") << QByteArray("{ after: 1m }")
                             << QStringLiteral("test.yaml:8:5: 'remediate' needs an admin action");
    QTest::newRow("bad after") << QByteArray("{ exec: [\"true\"], after: soon }")
                               << QStringLiteral("test.yaml:8:41: bad duration 'soon'");
    QTest::newRow("zero attempts") << QByteArray("{ exec: [\"true\"], max_attempts: 0 }")
                                   << QStringLiteral("test.yaml:8:48: 'max_attempts' must be between 1 and 100");
    QTest::newRow("unknown key") << QByteArray("{ exec: [\"true\"], retries: 3 }")
                                 << QStringLiteral("test.yaml:8:34: unknown key 'retries' in 'remediate'");
    QTest::newRow("no admin entry") << QByteArray("{ action: scheduler-start }")
                                    << QStringLiteral(
                                           "test.yaml:8:26: remediate: action 'scheduler-start' needs an admin: entry");
    QTest::newRow("exec with params") << QByteArray("{ exec: [\"true\"], params: { a: b } }")
                                      << QStringLiteral("test.yaml:8:34: 'params' go with 'action'");
}

void TestRemediationPlanner::configDefaultsAndErrors()
{
    QFETCH(QByteArray, remediate);
    QFETCH(QString, error);
    const QByteArray yaml = "version: 1\nservices:\n  - name: api\n    checks:\n      - name: ready\n"
                            "        tcp: { host: 127.0.0.1, port: 9 }\n"
                            "    # the service's own\n"
                            "    remediate: "
        + remediate + "\n";
    const ConfigLoadResult r
        = loadConfigString(yaml, QStringLiteral("test.yaml"), QProcessEnvironment::systemEnvironment());
    if (error.isEmpty()) {
        QVERIFY2(r.config, qPrintable(r.errorText()));
        const auto& rem = r.config->services.first().remediate;
        QVERIFY(rem);
        QCOMPARE(rem->afterMs, 120'000);
        QCOMPARE(rem->maxAttempts, 3);
        QCOMPARE(rem->backoffMs, 60'000);
        QCOMPARE(rem->windowMs, 3'600'000);
        QCOMPARE(rem->exec, QStringList { QStringLiteral("true") });
        return;
    }
    QVERIFY(!r.config);
    QVERIFY2(r.errorText().startsWith(error), qPrintable(r.errorText()));
}

void TestRemediationPlanner::actionMustBeOneOfTheService()
{
    const auto errors = [](const QByteArray& remediate) {
        const QByteArray yaml = "version: 1\nservices:\n  - name: api\n    checks:\n      - name: ready\n"
                                "        tcp: { host: 127.0.0.1, port: 9 }\n"
                                "        remediate: "
            + remediate
            + "\nadmin:\n  api:\n    base_url: http://127.0.0.1:9\n    preset: trading-system\n"
              "    actions: [ { name: purge, method: POST, path: /purge, body: { days: \"{days}\" } } ]\n";
        const ConfigLoadResult r = loadConfigString(yaml, QStringLiteral("t.yaml"), QProcessEnvironment());
        if (!r.config)
            return QStringList { r.errorText() };
        QStringList out;
        for (const ConfigError& e : validateRemediationActions(*r.config))
            out << e.toString();
        return out;
    };
    QCOMPARE(errors("{ action: scheduler-restart }"), QStringList());
    QCOMPARE(errors("{ action: purge, params: { days: \"3\" } }"), QStringList());
    QCOMPARE(errors("{ action: trigger-job, params: { job_type: daily_summary } }"), QStringList());
    const QStringList unknown = errors("{ action: scheduler-jump }");
    QCOMPARE(unknown.size(), 1);
    QVERIFY2(
        unknown.first().startsWith(u"t.yaml:7:30: remediate: unknown action 'scheduler-jump' for api; valid actions: "),
        qPrintable(unknown.first()));
    const QStringList badParam = errors("{ action: trigger-job, params: { job_type: nap } }");
    QCOMPARE(badParam.size(), 1);
    QVERIFY2(badParam.first().startsWith(u"t.yaml:7:43: remediate: "), qPrintable(badParam.first()));
    QCOMPARE(errors("{ action: trigger-job }").size(), 1); // job_type is required
}

void TestRemediationPlanner::waitsForAfterThenRunsOnce()
{
    const Config config = load(counterConfig("          after: 400ms\n          backoff: 10s\n"));
    RemediationPlanner planner(nullptr, nullptr);
    planner.setConfig(config);
    QSignalSpy finished(&planner, &RemediationPlanner::attemptFinished);
    QElapsedTimer clock;
    clock.start();
    planner.updateRows({ down(QStringLiteral("api/ready"), 0) });
    auto plan = planner.plan(QStringLiteral("api/ready"));
    QVERIFY(plan);
    QCOMPARE(plan->state, RemediationPlan::State::Waiting);
    QVERIFY(plan->healing());
    QVERIFY2(plan->describe(QDateTime::currentDateTimeUtc()).startsWith(u"auto-heal: run sh -c"),
        qPrintable(plan->describe(QDateTime::currentDateTimeUtc())));
    QVERIFY2(plan->describe(QDateTime::currentDateTimeUtc()).endsWith(u"in 1 s (attempt 1/3)"),
        qPrintable(plan->describe(QDateTime::currentDateTimeUtc())));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
    QVERIFY2(clock.elapsed() >= 380, qPrintable(QString::number(clock.elapsed())));
    const auto e = finished.first().first().value<RemediationEvent>();
    QCOMPARE(e.service, QStringLiteral("api"));
    QCOMPARE(e.check, QStringLiteral("ready"));
    QCOMPARE(e.attempt, 1);
    QCOMPARE(e.of, 3);
    QCOMPARE(e.result, QStringLiteral("success"));
    QVERIFY2(e.detail.startsWith(u"auto-heal attempt 1/3: run sh -c"), qPrintable(e.detail));
    QVERIFY2(e.detail.endsWith(u"\u2192 exit 0"), qPrintable(e.detail));
    QCOMPARE(runs(), 1);
    // Still down, but the back-off (10 s) keeps the next attempt away; further rows change nothing.
    planner.updateRows({ down(QStringLiteral("api/ready"), 1000) });
    QTest::qWait(300);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(runs(), 1);
    QCOMPARE(planner.plan(QStringLiteral("api/ready"))->state, RemediationPlan::State::Backoff);
}

void TestRemediationPlanner::brokenBackendGetsExactlyMaxAttempts()
{
    const Config config
        = load(counterConfig("          after: 100ms\n          backoff: 300ms\n          max_attempts: 3\n", "1"));
    HistoryStore::Options options;
    options.path = m_dir.filePath(QStringLiteral("broken.sqlite"));
    HistoryStore store(options);
    QVERIFY(store.open());
    RemediationPlanner planner(nullptr, &store);
    planner.setConfig(config);
    QSignalSpy finished(&planner, &RemediationPlanner::attemptFinished);
    QSignalSpy gaveUp(&planner, &RemediationPlanner::gaveUp);
    QList<qint64> at;
    QElapsedTimer clock;
    clock.start();
    connect(&planner, &RemediationPlanner::attemptStarted, this, [&] { at << clock.elapsed(); });
    planner.updateRows({ down(QStringLiteral("api/ready"), 0) });
    QTRY_COMPARE_WITH_TIMEOUT(gaveUp.size(), 1, 10'000);
    QCOMPARE(finished.size(), 3);
    QCOMPARE(runs(), 3);
    QCOMPARE(at.size(), 3);
    // 300 ms after the first, then 600 ms: the back-off doubles (measured from each answer, so at least).
    QVERIFY2(at[1] - at[0] >= 290, qPrintable(QString::number(at[1] - at[0])));
    QVERIFY2(at[2] - at[1] >= 590, qPrintable(QString::number(at[2] - at[1])));
    for (int i = 0; i < 3; ++i) {
        const auto e = finished.at(i).first().value<RemediationEvent>();
        QCOMPARE(e.attempt, i + 1);
        QCOMPARE(e.result, QStringLiteral("failure"));
    }
    const auto g = gaveUp.first().first().value<RemediationEvent>();
    QCOMPARE(g.result, QStringLiteral("gave-up"));
    QCOMPARE(g.attempt, 3);
    QCOMPARE(g.of, 3);
    QCOMPARE(planner.plan(QStringLiteral("api/ready"))->state, RemediationPlan::State::GaveUp);
    QVERIFY(!planner.plan(QStringLiteral("api/ready"))->healing());
    // Given up stays given up, and says so once.
    planner.updateRows({ down(QStringLiteral("api/ready"), 5000) });
    QTest::qWait(700);
    QCOMPARE(finished.size(), 3);
    QCOMPARE(gaveUp.size(), 1);
    QCOMPARE(runs(), 3);
    // Every attempt is in the audit log, and so is giving up (newest first).
    QList<AuditEntry> audit;
    QTRY_VERIFY((audit = store.audit({})).size() == 4);
    QCOMPARE(audit.first().result, QStringLiteral("gave-up"));
    QVERIFY2(audit.first().message.startsWith(u"auto-heal gave up: "), qPrintable(audit.first().message));
    for (const AuditEntry& a : audit.mid(1)) {
        QCOMPARE(a.action, QStringLiteral("exec"));
        QCOMPARE(a.result, QStringLiteral("failure"));
        QVERIFY2(a.osUser.startsWith(u"auto-heal ("), qPrintable(a.osUser));
        QVERIFY2(a.message.startsWith(u"auto-heal attempt "), qPrintable(a.message));
    }
}

void TestRemediationPlanner::guardrailsHoldTheAttempt_data()
{
    QTest::addColumn<QString>("overlay");
    QTest::newRow("acknowledged") << QStringLiteral("acknowledged");
    QTest::newRow("silenced") << QStringLiteral("silenced");
    QTest::newRow("off-hours") << QStringLiteral("off-hours");
    QTest::newRow("impacted") << QStringLiteral("impacted");
}

void TestRemediationPlanner::guardrailsHoldTheAttempt()
{
    QFETCH(QString, overlay);
    const Config config = load(counterConfig("          after: 100ms\n          backoff: 10s\n"));
    RemediationPlanner planner(nullptr, nullptr);
    planner.setConfig(config);
    QSignalSpy started(&planner, &RemediationPlanner::attemptStarted);
    RowState row = down(QStringLiteral("api/ready"), 5000);
    row.acknowledged = overlay == u"acknowledged";
    row.silenced = overlay == u"silenced";
    row.offHours = overlay == u"off-hours";
    if (overlay == u"impacted") {
        row.impacted = true;
        row.impactedBy = QStringLiteral("database");
    }
    planner.updateRows({ row });
    QTest::qWait(400);
    QCOMPARE(started.size(), 0);
    QCOMPARE(runs(), 0);
    const auto plan = planner.plan(QStringLiteral("api/ready"));
    QCOMPARE(plan->state, RemediationPlan::State::Blocked);
    QVERIFY(!plan->healing());
    QVERIFY2(plan->reason.contains(overlay == u"impacted" ? QStringLiteral("impacted by database") : overlay),
        qPrintable(plan->reason));
    // Once the overlay goes, the attempt follows (it has been down long enough).
    planner.updateRows({ down(QStringLiteral("api/ready"), 5000) });
    QTRY_COMPARE(started.size(), 1);
    QTRY_COMPARE(runs(), 1);
}

void TestRemediationPlanner::switchedOffOrReadOnly()
{
    const Config config = load(counterConfig("          after: 100ms\n"));
    RemediationPlanner planner(nullptr, nullptr);
    planner.setConfig(config);
    QSignalSpy started(&planner, &RemediationPlanner::attemptStarted);
    planner.setEnabled(false);
    planner.updateRows({ down(QStringLiteral("api/ready"), 5000) });
    QTest::qWait(300);
    QCOMPARE(planner.plan(QStringLiteral("api/ready"))->state, RemediationPlan::State::Off);
    planner.setReadOnly(true);
    planner.setEnabled(true);
    QTest::qWait(300);
    QCOMPARE(started.size(), 0);
    QCOMPARE(planner.plan(QStringLiteral("api/ready"))->reason, QStringLiteral("read-only mode"));
    planner.setReadOnly(false);
    QTRY_COMPARE(started.size(), 1);
}

void TestRemediationPlanner::budgetResetsAfterHealthyWindow()
{
    const Config config
        = load(counterConfig("          after: 100ms\n          backoff: 10s\n          window: 500ms\n"));
    RemediationPlanner planner(nullptr, nullptr);
    planner.setConfig(config);
    QSignalSpy finished(&planner, &RemediationPlanner::attemptFinished);
    planner.updateRows({ down(QStringLiteral("api/ready"), 5000) });
    QTRY_COMPARE(finished.size(), 1);
    RowState ok = down(QStringLiteral("api/ready"), 0);
    ok.status = Status::Ok;
    planner.updateRows({ ok });
    QCOMPARE(planner.plan(QStringLiteral("api/ready"))->attempts, 1);
    // Down again within the window: the budget still counts attempt 1, and the back-off applies.
    planner.updateRows({ down(QStringLiteral("api/ready"), 5000) });
    QCOMPARE(planner.plan(QStringLiteral("api/ready"))->state, RemediationPlan::State::Backoff);
    planner.updateRows({ ok });
    QTRY_COMPARE_WITH_TIMEOUT(planner.plan(QStringLiteral("api/ready"))->attempts, 0, 3000);
    planner.updateRows({ down(QStringLiteral("api/ready"), 5000) });
    QTRY_COMPARE(finished.size(), 2);
    QCOMPARE(finished.last().first().value<RemediationEvent>().attempt, 1);
}

void TestRemediationPlanner::cancelAndRunNow()
{
    const Config config = load(counterConfig("          after: 1h\n"));
    RemediationPlanner planner(nullptr, nullptr);
    planner.setConfig(config);
    QSignalSpy finished(&planner, &RemediationPlanner::attemptFinished);
    planner.updateRows({ down(QStringLiteral("api/ready"), 0) });
    QVERIFY(planner.cancel(QStringLiteral("api/ready")));
    QCOMPARE(planner.plan(QStringLiteral("api/ready"))->state, RemediationPlan::State::Cancelled);
    QVERIFY(!planner.plan(QStringLiteral("api/ready"))->healing());
    QVERIFY(planner.runNow(QStringLiteral("api/ready")));
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(runs(), 1);
    // A target that is not down has nothing to run.
    RowState ok = down(QStringLiteral("api/ready"), 0);
    ok.status = Status::Ok;
    planner.updateRows({ ok });
    QVERIFY(!planner.runNow(QStringLiteral("api/ready")));
    QVERIFY(!planner.cancel(QStringLiteral("api/ready")));
}

void TestRemediationPlanner::serviceRemediationCoversItsChecks()
{
    const Config config = load("version: 1\nservices:\n  - name: api\n    checks:\n"
                               "      - { name: live, tcp: { host: 127.0.0.1, port: 9 } }\n"
                               "      - name: ready\n        tcp: { host: 127.0.0.1, port: 9 }\n"
                               "        remediate: { exec: [\"true\"], after: 1h }\n"
                               "    remediate: { exec: [\"true\"], after: 1h }\n");
    RemediationPlanner planner(nullptr, nullptr);
    planner.setConfig(config);
    QCOMPARE(planner.plans().size(), 2);
    planner.updateRows({ down(QStringLiteral("api/live"), 0) });
    QCOMPARE(planner.planForRow(QStringLiteral("api/live"))->target, QStringLiteral("api"));
    QCOMPARE(planner.plan(QStringLiteral("api"))->state, RemediationPlan::State::Waiting);
    QCOMPARE(planner.plan(QStringLiteral("api"))->check, QStringLiteral("live"));
    // The check with a remediate: of its own is not the service's.
    planner.updateRows({ down(QStringLiteral("api/ready"), 0) });
    QCOMPARE(planner.planForRow(QStringLiteral("api/ready"))->target, QStringLiteral("api/ready"));
    QCOMPARE(planner.plan(QStringLiteral("api"))->check, QStringLiteral("live"));
}

void TestRemediationPlanner::leaseMakesOneActor()
{
    const Config config = load(counterConfig("          after: 100ms\n          backoff: 1500ms\n"));
    HistoryStore::Options options;
    options.path = m_dir.filePath(QStringLiteral("shared.sqlite"));
    HistoryStore storeA(options), storeB(options);
    QVERIFY(storeA.open());
    QVERIFY(storeB.open());
    RemediationLease leaseA(&storeA, QStringLiteral("a")), leaseB(&storeB, QStringLiteral("b"));
    leaseA.setTiming(1500, 300);
    leaseB.setTiming(1500, 300);
    RemediationPlanner a(nullptr, &storeA), b(nullptr, &storeB);
    a.setConfig(config);
    b.setConfig(config);
    // Each planner takes its lease as soon as it has something to heal; a comes first.
    a.setLease(&leaseA);
    QTRY_VERIFY(leaseA.isHeld());
    QSignalSpy heldB(&leaseB, &RemediationLease::heldChanged);
    b.setLease(&leaseB);
    QTRY_VERIFY(!heldB.isEmpty());
    QVERIFY(!leaseB.isHeld());
    QVERIFY2(leaseB.reason().contains(leaseA.holderId()), qPrintable(leaseB.reason()));
    QSignalSpy startedA(&a, &RemediationPlanner::attemptStarted), startedB(&b, &RemediationPlanner::attemptStarted);
    QSignalSpy finishedB(&b, &RemediationPlanner::attemptFinished);
    a.updateRows({ down(QStringLiteral("api/ready"), 5000) });
    b.updateRows({ down(QStringLiteral("api/ready"), 5000) });
    QTRY_COMPARE(startedA.size(), 1);
    QTest::qWait(500);
    QCOMPARE(startedB.size(), 0);
    QCOMPARE(b.plan(QStringLiteral("api/ready"))->state, RemediationPlan::State::Off);
    QTRY_COMPARE(runs(), 1);
    // The holder is switched off: it gives the lease back, and the other takes over.
    a.setEnabled(false);
    QVERIFY(!leaseA.isHeld());
    QTRY_VERIFY_WITH_TIMEOUT(leaseB.isHeld(), 3000);
    QTRY_COMPARE(startedB.size(), 1);
    QTRY_COMPARE(runs(), 2);
    // It read the first holder's attempt from the audit log: the budget goes on, it does not start afresh.
    QTRY_COMPARE(finishedB.size(), 1);
    QCOMPARE(finishedB.first().first().value<RemediationEvent>().attempt, 2);
    QCOMPARE(b.plan(QStringLiteral("api/ready"))->attempts, 2);
}

void TestRemediationPlanner::leaseOnlyWhileItMayAct()
{
    HistoryStore::Options options;
    options.path = m_dir.filePath(QStringLiteral("lease-only.sqlite"));
    HistoryStore store(options);
    QVERIFY(store.open());
    RemediationLease lease(&store, QStringLiteral("t"));
    RemediationPlanner planner(nullptr, &store);
    planner.setLease(&lease);
    QTest::qWait(100);
    QVERIFY(!lease.isHeld()); // nothing to heal: no lease
    planner.setConfig(load(counterConfig("          after: 1h\n")));
    QTRY_VERIFY(lease.isHeld());
    planner.setReadOnly(true);
    QVERIFY(!lease.isHeld());
    planner.setReadOnly(false);
    QTRY_VERIFY(lease.isHeld());
    planner.setEnabled(false);
    QVERIFY(!lease.isHeld());
    // Given back, not only forgotten: another holder can take it at once.
    QCOMPARE(store.acquireLeaseSync(RemediationLease::leaseName(), QStringLiteral("other"), 30'000).rowsAffected, 1);
}

void TestRemediationPlanner::healsStoppedSchedulerOnDemo()
{
    const QByteArray api = m_demo.baseUrl(QStringLiteral("trading-api")).toString().toUtf8();
    m_demo.tradingApi()->setCredentials(QStringLiteral("admin"), QStringLiteral("demo-password"));
    m_demo.tradingApi()->startScheduler();
    const Config config = load("version: 1\nservices:\n  - name: trading-api\n    checks:\n"
                               "      - name: scheduler\n        interval: 100ms\n        failure_threshold: 2\n"
                               "        http: { url: \""
        + api
        + "/metrics\" }\n        conditions: ['[METRIC].messenger_health_check_status{check=\"scheduler\"} == 1']\n"
          "        remediate: { action: scheduler-start, after: 500ms, backoff: 2s }\n"
          "admin:\n  trading-api:\n    base_url: \""
        + api
        + "\"\n    preset: trading-system\n"
          "    auth: { login: { url: /login, username: admin, password: demo-password } }\n");
    HistoryStore::Options options;
    options.path = m_dir.filePath(QStringLiteral("demo.sqlite"));
    HistoryStore store(options);
    QVERIFY(store.open());
    MonitorEngine engine;
    engine.setBatchIntervalMs(0);
    engine.setConfig(config);
    AdminClient admin;
    admin.setConfig(config);
    admin.setHistoryStore(&store);
    RemediationPlanner planner(&admin, &store);
    planner.attach(&engine);
    QSignalSpy finished(&planner, &RemediationPlanner::attemptFinished);
    QSignalSpy gaveUp(&planner, &RemediationPlanner::gaveUp);
    engine.start();
    QTRY_COMPARE(engine.row(QStringLiteral("trading-api/scheduler"))->status, Status::Ok);
    const int controlsBefore = m_demo.tradingApi()->actionCount(QStringLiteral("/api/system/scheduler-control"));

    m_demo.tradingApi()->stopScheduler();
    QTRY_COMPARE(engine.row(QStringLiteral("trading-api/scheduler"))->status, Status::Down);
    QElapsedTimer downFor;
    downFor.start();
    QCOMPARE(finished.size(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
    QVERIFY2(downFor.elapsed() >= 400, qPrintable(QString::number(downFor.elapsed())));
    const auto e = finished.first().first().value<RemediationEvent>();
    QCOMPARE(e.result, QStringLiteral("success"));
    QCOMPARE(e.check, QStringLiteral("scheduler"));
    QVERIFY2(e.detail.startsWith(u"auto-heal attempt 1/3: start the scheduler \u2192 200 "), qPrintable(e.detail));
    QVERIFY(m_demo.tradingApi()->isSchedulerRunning());
    QCOMPARE(m_demo.tradingApi()->actionCount(QStringLiteral("/api/system/scheduler-control")), controlsBefore + 1);
    QTRY_COMPARE(engine.row(QStringLiteral("trading-api/scheduler"))->status, Status::Ok);
    QTRY_COMPARE(planner.plan(QStringLiteral("trading-api/scheduler"))->state, RemediationPlan::State::Idle);
    // Sent once: it recovered, nothing follows.
    QTest::qWait(2500);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(gaveUp.size(), 0);
    QCOMPARE(m_demo.tradingApi()->actionCount(QStringLiteral("/api/system/scheduler-control")), controlsBefore + 1);
    const QList<AuditEntry> audit = store.audit({});
    QCOMPARE(audit.size(), 1);
    QCOMPARE(audit.first().action, QStringLiteral("scheduler-start"));
    QCOMPARE(audit.first().result, QStringLiteral("success"));
    QCOMPARE(audit.first().httpStatus, 200);
    QVERIFY2(audit.first().message.startsWith(u"auto-heal attempt 1/3: start the scheduler \u2192 200"),
        qPrintable(audit.first().message));
    engine.stop();
}

QTEST_GUILESS_MAIN(TestRemediationPlanner)
#include "tst_remediationplanner.moc"
