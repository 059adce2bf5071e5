#include "monitor/thresholds.h"

#include <QtTest>

using hd::StartupGate;
using hd::Status;
using hd::ThresholdTracker;

namespace {

hd::CheckConfig check(const QString& service, const QString& name, const QStringList& tags)
{
    hd::CheckConfig c;
    c.service = service;
    c.name = name;
    c.tags = tags;
    return c;
}

// api: boot (startup), live (liveness), ready (readiness), latency (untagged)
// db:  live (liveness), no startup check
// web: two startup checks, one of them also tagged liveness; ready (Readiness)
hd::Config gateConfig()
{
    hd::Config config;
    hd::ServiceConfig api;
    api.name = QStringLiteral("api");
    api.checks = { check(api.name, QStringLiteral("boot"), { QStringLiteral("startup") }),
        check(api.name, QStringLiteral("live"), { QStringLiteral("liveness") }),
        check(api.name, QStringLiteral("ready"), { QStringLiteral("readiness") }),
        check(api.name, QStringLiteral("latency"), {}) };
    hd::ServiceConfig db;
    db.name = QStringLiteral("db");
    db.checks = { check(db.name, QStringLiteral("live"), { QStringLiteral("liveness") }) };
    hd::ServiceConfig web;
    web.name = QStringLiteral("web");
    web.checks = { check(web.name, QStringLiteral("warmup"), { QStringLiteral("Startup") }),
        check(web.name, QStringLiteral("boot-live"), { QStringLiteral("startup"), QStringLiteral("liveness") }),
        check(web.name, QStringLiteral("ready"), { QStringLiteral("Readiness") }) };
    config.services = { api, db, web };
    return config;
}

} // namespace

class TestThresholds : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void startsAsStarting();
    void firstResultShownAtOnce_data();
    void firstResultShownAtOnce();
    void failureThresholdExactCount_data();
    void failureThresholdExactCount();
    void successThresholdExactCount_data();
    void successThresholdExactCount();
    void interruptedFailuresStartOver();
    void interruptedRecoveryStartsOver();
    void degradedAppliesAtOnce();
    void pendingEndsWithDegraded();
    void failingStatusesReplaceEachOther();
    void startingIsNotAFailure();
    void thresholdsClampAndSurviveReload();
    void resetReturnsToStarting();

    void gateInitialState();
    void gateOpensOnFirstPass();
    void gateNeedsEveryStartupCheck();
    void gateSurvivesConfigReload();
    void gateResetService();
};

void TestThresholds::startsAsStarting()
{
    const ThresholdTracker t;
    QCOMPARE(t.status(), Status::Starting);
    QVERIFY(!t.pending());
    QVERIFY(!t.hasResult());
    QCOMPARE(t.failureThreshold(), 3);
    QCOMPARE(t.successThreshold(), 1);
}

void TestThresholds::firstResultShownAtOnce_data()
{
    QTest::addColumn<Status>("raw");
    QTest::addColumn<bool>("changed");
    QTest::newRow("ok") << Status::Ok << true;
    QTest::newRow("degraded") << Status::Degraded << true;
    QTest::newRow("down, not held back by failure_threshold") << Status::Down << true;
    QTest::newRow("stale") << Status::Stale << true;
    QTest::newRow("unknown") << Status::Unknown << true;
    QTest::newRow("starting, no change") << Status::Starting << false;
}

void TestThresholds::firstResultShownAtOnce()
{
    QFETCH(Status, raw);
    QFETCH(bool, changed);
    ThresholdTracker t(3, 2);
    const auto tr = t.feed(raw);
    QCOMPARE(tr.changed, changed);
    QCOMPARE(tr.from, Status::Starting);
    QCOMPARE(tr.to, raw);
    QVERIFY(!tr.pendingChanged);
    QCOMPARE(t.status(), raw);
    QVERIFY(!t.pending());
    QVERIFY(t.hasResult());
}

void TestThresholds::failureThresholdExactCount_data()
{
    QTest::addColumn<int>("threshold");
    QTest::addColumn<Status>("failure");
    QTest::newRow("1: at once") << 1 << Status::Down;
    QTest::newRow("2") << 2 << Status::Down;
    QTest::newRow("3, the default") << 3 << Status::Down;
    QTest::newRow("5, stale") << 5 << Status::Stale;
    QTest::newRow("4, unknown") << 4 << Status::Unknown;
}

void TestThresholds::failureThresholdExactCount()
{
    QFETCH(int, threshold);
    QFETCH(Status, failure);
    ThresholdTracker t(threshold, 1);
    t.feed(Status::Ok);
    for (int i = 1; i < threshold; ++i) {
        const auto tr = t.feed(failure);
        QVERIFY2(!tr.changed, qPrintable(QStringLiteral("failure %1").arg(i)));
        QCOMPARE(tr.pendingChanged, i == 1);
        QCOMPARE(t.status(), Status::Ok);
        QVERIFY(t.pending());
        QCOMPARE(t.consecutiveFailures(), i);
    }
    const auto tr = t.feed(failure);
    QVERIFY(tr.changed);
    QCOMPARE(tr.from, Status::Ok);
    QCOMPARE(tr.to, failure);
    QCOMPARE(tr.pendingChanged, threshold > 1);
    QCOMPARE(t.status(), failure);
    QVERIFY(!t.pending());
}

void TestThresholds::successThresholdExactCount_data()
{
    QTest::addColumn<int>("threshold");
    QTest::addColumn<Status>("success");
    QTest::newRow("1: at once") << 1 << Status::Ok;
    QTest::newRow("2") << 2 << Status::Ok;
    QTest::newRow("3, recovering to degraded") << 3 << Status::Degraded;
}

void TestThresholds::successThresholdExactCount()
{
    QFETCH(int, threshold);
    QFETCH(Status, success);
    ThresholdTracker t(3, threshold);
    t.feed(Status::Down);
    for (int i = 1; i < threshold; ++i) {
        const auto tr = t.feed(success);
        QVERIFY(!tr.changed);
        QCOMPARE(t.status(), Status::Down);
        QVERIFY(!t.pending()); // pending is about failing, not about recovering
        QCOMPARE(t.consecutiveSuccesses(), i);
    }
    const auto tr = t.feed(success);
    QVERIFY(tr.changed);
    QCOMPARE(tr.from, Status::Down);
    QCOMPARE(tr.to, success);
}

void TestThresholds::interruptedFailuresStartOver()
{
    ThresholdTracker t(3, 1);
    t.feed(Status::Ok);
    t.feed(Status::Down);
    t.feed(Status::Down);
    QVERIFY(t.pending());
    auto tr = t.feed(Status::Ok);
    QVERIFY(!tr.changed);
    QVERIFY(tr.pendingChanged);
    QVERIFY(!t.pending());
    t.feed(Status::Down);
    t.feed(Status::Stale); // any failing result counts
    QCOMPARE(t.status(), Status::Ok);
    QVERIFY(t.pending());
    tr = t.feed(Status::Down);
    QVERIFY(tr.changed);
    QCOMPARE(tr.to, Status::Down); // the latest raw status
}

void TestThresholds::interruptedRecoveryStartsOver()
{
    ThresholdTracker t(3, 2);
    t.feed(Status::Down);
    t.feed(Status::Ok);
    t.feed(Status::Down);
    t.feed(Status::Ok);
    QCOMPARE(t.status(), Status::Down);
    const auto tr = t.feed(Status::Ok);
    QVERIFY(tr.changed);
    QCOMPARE(t.status(), Status::Ok);
}

void TestThresholds::degradedAppliesAtOnce()
{
    ThresholdTracker t(3, 3);
    t.feed(Status::Ok);
    auto tr = t.feed(Status::Degraded);
    QVERIFY(tr.changed);
    QCOMPARE(tr.to, Status::Degraded);
    tr = t.feed(Status::Ok);
    QVERIFY(tr.changed);
    QCOMPARE(tr.to, Status::Ok);
    // And from degraded, a failure is held back like from ok.
    t.feed(Status::Degraded);
    tr = t.feed(Status::Down);
    QVERIFY(!tr.changed);
    QCOMPARE(t.status(), Status::Degraded);
    QVERIFY(t.pending());
}

void TestThresholds::pendingEndsWithDegraded()
{
    ThresholdTracker t(3, 1);
    t.feed(Status::Ok);
    t.feed(Status::Down);
    QVERIFY(t.pending());
    const auto tr = t.feed(Status::Degraded);
    QVERIFY(tr.changed);
    QVERIFY(tr.pendingChanged);
    QCOMPARE(t.status(), Status::Degraded);
    QVERIFY(!t.pending());
    QCOMPARE(t.consecutiveFailures(), 0);
}

void TestThresholds::failingStatusesReplaceEachOther()
{
    ThresholdTracker t(3, 1);
    t.feed(Status::Ok);
    for (int i = 0; i < 3; ++i)
        t.feed(Status::Down);
    QCOMPARE(t.status(), Status::Down);
    for (Status next : { Status::Stale, Status::Unknown, Status::Down }) {
        const auto tr = t.feed(next);
        QVERIFY(tr.changed);
        QVERIFY(!tr.pendingChanged);
        QCOMPARE(t.status(), next);
        QVERIFY(!t.pending());
    }
    const auto same = t.feed(Status::Down);
    QVERIFY(!same.changed);
}

void TestThresholds::startingIsNotAFailure()
{
    ThresholdTracker t(3, 1);
    t.feed(Status::Ok);
    auto tr = t.feed(Status::Starting);
    QVERIFY(tr.changed);
    QCOMPARE(t.status(), Status::Starting);
    QVERIFY(!hd::isFailing(Status::Starting));
    // A down service that restarts and says "starting" has recovered far enough to show it.
    t.feed(Status::Down);
    t.feed(Status::Down);
    t.feed(Status::Down);
    tr = t.feed(Status::Starting);
    QVERIFY(tr.changed);
    QCOMPARE(tr.from, Status::Down);
    QCOMPARE(tr.to, Status::Starting);
}

void TestThresholds::thresholdsClampAndSurviveReload()
{
    ThresholdTracker t(0, -4);
    QCOMPARE(t.failureThreshold(), 1);
    QCOMPARE(t.successThreshold(), 1);
    t.setThresholds(3, 1);
    t.feed(Status::Ok);
    t.feed(Status::Down);
    t.feed(Status::Down);
    QVERIFY(t.pending());
    t.setThresholds(5, 1); // a reload raises the threshold: the count so far stays
    t.feed(Status::Down);
    QVERIFY(t.pending());
    QCOMPARE(t.consecutiveFailures(), 3);
    t.feed(Status::Down);
    QVERIFY(t.feed(Status::Down).changed);
}

void TestThresholds::resetReturnsToStarting()
{
    ThresholdTracker t(3, 1);
    t.feed(Status::Ok);
    t.feed(Status::Down);
    t.reset();
    QCOMPARE(t.status(), Status::Starting);
    QVERIFY(!t.pending());
    QVERIFY(!t.hasResult());
    QCOMPARE(t.consecutiveFailures(), 0);
    QVERIFY(t.feed(Status::Down).changed); // the first result after a reset shows at once again
}

void TestThresholds::gateInitialState()
{
    const StartupGate gate(gateConfig());
    QVERIFY(gate.isGated(QStringLiteral("api/live")));
    QVERIFY(gate.isGated(QStringLiteral("api/ready")));
    QVERIFY(!gate.isGated(QStringLiteral("api/latency")));
    QVERIFY(!gate.isGated(QStringLiteral("api/boot")));
    QVERIFY(!gate.isGated(QStringLiteral("db/live")));
    QVERIFY(!gate.isGated(QStringLiteral("nobody/live")));
    QVERIFY(gate.isStartupCheck(QStringLiteral("api/boot")));
    QVERIFY(gate.isStartupCheck(QStringLiteral("web/warmup")));
    QVERIFY(!gate.isStartupCheck(QStringLiteral("api/live")));
    // Tagged startup and liveness: a startup check, never gated by itself.
    QVERIFY(gate.isStartupCheck(QStringLiteral("web/boot-live")));
    QVERIFY(!gate.isGated(QStringLiteral("web/boot-live")));
    QVERIFY(gate.isGated(QStringLiteral("web/ready")));
    QVERIFY(!StartupGate().isGated(QStringLiteral("api/live")));
}

void TestThresholds::gateOpensOnFirstPass()
{
    StartupGate gate(gateConfig());
    QVERIFY(gate.record(QStringLiteral("api/boot"), Status::Down).isEmpty());
    QVERIFY(gate.record(QStringLiteral("api/boot"), Status::Starting).isEmpty());
    QVERIFY(gate.record(QStringLiteral("api/live"), Status::Ok).isEmpty()); // not a startup check
    QVERIFY(gate.isGated(QStringLiteral("api/live")));

    const QStringList released = gate.record(QStringLiteral("api/boot"), Status::Ok);
    QCOMPARE(released, (QStringList { QStringLiteral("api/live"), QStringLiteral("api/ready") }));
    QVERIFY(!gate.isGated(QStringLiteral("api/live")));
    QVERIFY(!gate.isGated(QStringLiteral("api/ready")));

    // Once open, it stays open: later failures of the startup check do not close it.
    QVERIFY(gate.record(QStringLiteral("api/boot"), Status::Down).isEmpty());
    QVERIFY(gate.record(QStringLiteral("api/boot"), Status::Ok).isEmpty());
    QVERIFY(!gate.isGated(QStringLiteral("api/live")));
    // Other services are untouched.
    QVERIFY(gate.isGated(QStringLiteral("web/ready")));
}

void TestThresholds::gateNeedsEveryStartupCheck()
{
    StartupGate gate(gateConfig());
    QVERIFY(gate.record(QStringLiteral("web/warmup"), Status::Degraded).isEmpty()); // degraded passes
    QVERIFY(gate.isGated(QStringLiteral("web/ready")));
    QCOMPARE(gate.record(QStringLiteral("web/boot-live"), Status::Ok), QStringList { QStringLiteral("web/ready") });
    QVERIFY(!gate.isGated(QStringLiteral("web/ready")));
}

void TestThresholds::gateSurvivesConfigReload()
{
    StartupGate gate(gateConfig());
    gate.record(QStringLiteral("api/boot"), Status::Ok);
    gate.record(QStringLiteral("web/warmup"), Status::Ok);

    hd::Config changed = gateConfig();
    // web gets a new startup check: its gate needs that one too; warmup keeps its pass.
    changed.services[2].checks.append(
        check(QStringLiteral("web"), QStringLiteral("migrate"), { QStringLiteral("startup") }));
    gate.setConfig(changed);
    QVERIFY(!gate.isGated(QStringLiteral("api/ready")));
    QVERIFY(gate.isGated(QStringLiteral("web/ready")));
    QVERIFY(gate.record(QStringLiteral("web/migrate"), Status::Ok).isEmpty());
    QCOMPARE(gate.record(QStringLiteral("web/boot-live"), Status::Ok), QStringList { QStringLiteral("web/ready") });

    // A service that loses its startup check is no longer gated at all.
    changed.services[0].checks.removeFirst();
    gate.setConfig(changed);
    QVERIFY(!gate.isGated(QStringLiteral("api/live")));
    QVERIFY(!gate.isStartupCheck(QStringLiteral("api/boot")));
}

void TestThresholds::gateResetService()
{
    StartupGate gate(gateConfig());
    gate.record(QStringLiteral("api/boot"), Status::Ok);
    QVERIFY(!gate.isGated(QStringLiteral("api/live")));
    gate.resetService(QStringLiteral("api"));
    QVERIFY(gate.isGated(QStringLiteral("api/live")));
    QCOMPARE(gate.record(QStringLiteral("api/boot"), Status::Ok).size(), 2);
    gate.resetService(QStringLiteral("unknown")); // harmless
}

QTEST_GUILESS_MAIN(TestThresholds)
#include "tst_thresholds.moc"
