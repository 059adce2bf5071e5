#include "store/historyschema.h"
#include "store/historystore.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <sys/stat.h>

using hd::HistoryStore;
using hd::Status;

namespace {

constexpr qint64 hourMs = 3'600'000;
constexpr qint64 dayMs = 24 * hourMs;
// A fixed, hour-aligned "now" for tests with an injected clock.
constexpr qint64 t0 = 1'800'000'000'000 - 1'800'000'000'000 % hourMs;

// A plain connection to the file, to check what really reached the disk, apart from the store.
class RawDb final {
public:
    explicit RawDb(const QString& path, const QString& name = QStringLiteral("raw"))
        : m_name(name)
    {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        m_db.setDatabaseName(path);
        m_db.open();
    }
    ~RawDb()
    {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
    QSqlDatabase& db() { return m_db; }
    QVariant value(const QString& sql)
    {
        QSqlQuery q(m_db);
        if (!q.exec(sql) || !q.next())
            return {};
        return q.value(0);
    }
    bool exec(const QString& sql)
    {
        QSqlQuery q(m_db);
        return q.exec(sql);
    }

private:
    QString m_name;
    QSqlDatabase m_db;
};

hd::StateEvent makeEvent(qint64 timeMs, const QString& service, Status from, Status to, const QString& detail = {})
{
    hd::StateEvent e;
    e.timeMs = timeMs;
    e.service = service;
    e.check = QStringLiteral("ready");
    e.from = from;
    e.to = to;
    e.detail = detail;
    return e;
}

} // namespace

class TestHistoryStore final : public QObject {
    Q_OBJECT

private slots:
    void init();
    void migratesEmptyFile();
    void filesArePrivate();
    void migratesOlderVersion();
    void refusesNewerSchema();
    void refusesForeignDatabase();
    void eventCommittedBeforeCallback();
    void acksAndSilences();
    void samplesAppearAfterFlush();
    void rollupMath_data();
    void rollupMath();
    void rollupsFromSamples();
    void rollupsFollowTheClock();
    void hourRollupsOfManyChecks();
    void retentionSweepWithInjectedClock();
    void retentionSweepOnOpen();
    void auditIsRedacted();
    void leaseHasOneHolder();
    void leaseReleasedAsync();
    void blockingCallsWarnOnUiThread();
    void paginationOver100kEvents();
    void asyncQueries();
    void closedStoreAnswersWithErrors();

private:
    HistoryStore::Options options() const
    {
        HistoryStore::Options o;
        o.path = m_path;
        return o;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void TestHistoryStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("sub/history.sqlite")); // the directory is created on open
}

void TestHistoryStore::filesArePrivate()
{
    // Whatever the umask: the history holds the audit trail and internal services' responses.
    const mode_t before = ::umask(0);
    const auto restore = qScopeGuard([before] { ::umask(before); });
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString folder = dir.filePath(QStringLiteral("new/healthdeck"));
    hd::HistoryOptions o;
    o.path = folder + QStringLiteral("/history.sqlite");
    {
        HistoryStore store(o);
        QVERIFY(store.open());
        QVERIFY2(!store.isDegraded(), qPrintable(store.degradedReason()));
        QVERIFY(store.writeEventSync(makeEvent(t0, QStringLiteral("api"), Status::Ok, Status::Down)).ok);
        const auto ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
        for (const QString& f : { o.path, QString(o.path + u"-wal"), QString(o.path + u"-shm") }) {
            QVERIFY2(QFileInfo::exists(f), qPrintable(f));
            QCOMPARE(QFile::permissions(f) & ~(QFileDevice::ReadUser | QFileDevice::WriteUser), ownerOnly);
        }
        QCOMPARE(QFile::permissions(folder) & ~(QFileDevice::ReadUser | QFileDevice::WriteUser | QFileDevice::ExeUser),
            ownerOnly | QFileDevice::ExeOwner);
    }
    // A file left readable by an older version is made private when opened; a folder healthdeck did not create
    // (here the temporary one) keeps its permissions.
    QFile::setPermissions(o.path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther);
    const QFileDevice::Permissions parent = QFile::permissions(dir.path());
    o.path = dir.filePath(QStringLiteral("new/healthdeck/history.sqlite"));
    {
        HistoryStore store(o);
        QVERIFY(store.open());
        QVERIFY(!(QFile::permissions(o.path) & QFileDevice::ReadOther));
    }
    hd::HistoryOptions elsewhere;
    elsewhere.path = dir.filePath(QStringLiteral("mine.sqlite"));
    {
        HistoryStore store(elsewhere);
        QVERIFY(store.open());
    }
    QCOMPARE(QFile::permissions(dir.path()), parent);
    QVERIFY(!(QFile::permissions(elsewhere.path) & (QFileDevice::ReadOther | QFileDevice::ReadGroup)));
}

void TestHistoryStore::migratesEmptyFile()
{
    {
        HistoryStore store(options());
        QVERIFY(store.open());
        QVERIFY2(!store.isDegraded(), qPrintable(store.degradedReason()));
        QVERIFY(store.degradedReason().isEmpty());
        QCOMPARE(store.path(), m_path);
    }
    RawDb raw(m_path);
    QSqlQuery q(raw.db());
    QVERIFY(q.exec(QStringLiteral("SELECT version FROM schema_version ORDER BY version")));
    QList<int> versions;
    while (q.next())
        versions << q.value(0).toInt();
    QCOMPARE(versions, (QList<int> { 1, 2, 3 }));
    QCOMPARE(HistoryStore::schemaVersion(), 3);
    QCOMPARE(raw.value(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
    QCOMPARE(raw.value(QStringLiteral("PRAGMA auto_vacuum")).toInt(), 2); // incremental
    QCOMPARE(raw.value(QStringLiteral("PRAGMA application_id")).toInt(), hd::historyschema::applicationId);
    for (const char* table :
        { "events", "samples", "rollups_minute", "rollups_hour", "acks", "silences", "audit", "leases" }) {
        QVERIFY2(raw.value(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%1'")
                               .arg(QLatin1StringView(table)))
                     .toInt()
                == 1,
            table);
    }
    q.finish();
    // A second open of an up-to-date file applies nothing.
    HistoryStore again(options());
    QVERIFY(again.open());
    QVERIFY(!again.isDegraded());
    QCOMPARE(raw.value(QStringLiteral("SELECT count(*) FROM schema_version")).toInt(), 3);
}

void TestHistoryStore::migratesOlderVersion()
{
    QVERIFY(QDir().mkpath(QFileInfo(m_path).absolutePath()));
    const qint64 recent = QDateTime::currentMSecsSinceEpoch() - hourMs; // well inside the retention
    {
        RawDb raw(m_path);
        const auto r = hd::historyschema::migrate(raw.db(), 1);
        QCOMPARE(r.status, hd::historyschema::MigrateResult::Status::Ok);
        QCOMPARE(r.toVersion, 1);
        QVERIFY(raw.exec(QStringLiteral(
            "INSERT INTO events (time_ms, check_key, service, check_name, from_status, to_status, severity)"
            " VALUES (%1, 'db/ping', 'db', 'ping', 'ok', 'down', 'critical')")
                             .arg(recent)));
        QCOMPARE(raw.value(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'audit'")).toInt(), 0);
    }
    HistoryStore store(options());
    QVERIFY(store.open());
    QVERIFY2(!store.isDegraded(), qPrintable(store.degradedReason()));
    const auto events = store.events({});
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().service, QStringLiteral("db"));
    QCOMPARE(events.first().to, Status::Down);
    hd::AuditEntry entry;
    entry.timeMs = recent;
    entry.osUser = QStringLiteral("ops");
    entry.service = QStringLiteral("db");
    entry.action = QStringLiteral("cache-stats");
    entry.result = QStringLiteral("success");
    QVERIFY(store.appendAuditSync(entry).ok);
    store.close();
    RawDb raw(m_path);
    QCOMPARE(raw.value(QStringLiteral("SELECT MAX(version) FROM schema_version")).toInt(), 3);
    QCOMPARE(raw.value(QStringLiteral("SELECT count(*) FROM audit")).toInt(), 1);
}

void TestHistoryStore::refusesNewerSchema()
{
    QVERIFY(QDir().mkpath(QFileInfo(m_path).absolutePath()));
    {
        RawDb raw(m_path);
        QCOMPARE(hd::historyschema::migrate(raw.db()).status, hd::historyschema::MigrateResult::Status::Ok);
        QVERIFY(raw.exec(QStringLiteral("INSERT INTO schema_version VALUES (99, 0, 'from the future')")));
    }
    HistoryStore store(options());
    QSignalSpy degraded(&store, &HistoryStore::degraded);
    QSignalSpy opened(&store, &HistoryStore::opened);
    QVERIFY(store.open());
    QVERIFY(store.isDegraded());
    const QString reason = store.degradedReason();
    QVERIFY2(reason.contains(u"schema version 99"), qPrintable(reason));
    QVERIFY2(reason.contains(m_path), qPrintable(reason));
    QVERIFY2(reason.contains(u"in memory"), qPrintable(reason));
    QTRY_COMPARE(degraded.count(), 1);
    QCOMPARE(degraded.at(0).at(0).toString(), reason);
    QTRY_COMPARE(opened.count(), 1);
    QCOMPARE(opened.at(0).at(0).toBool(), false);

    // Still usable, in memory, and says so.
    const auto written = store.writeEventSync(makeEvent(5000, QStringLiteral("api"), Status::Ok, Status::Down));
    QVERIFY(written.ok);
    QVERIFY(!written.persisted);
    QCOMPARE(store.eventCount({}), 1);
    store.close();

    RawDb raw(m_path);
    QCOMPARE(raw.value(QStringLiteral("SELECT MAX(version) FROM schema_version")).toInt(), 99);
    QCOMPARE(raw.value(QStringLiteral("SELECT count(*) FROM events")).toInt(), 0);
    QCOMPARE(raw.value(QStringLiteral("SELECT count(*) FROM meta")).toInt(), 0); // not even the open mark
}

void TestHistoryStore::refusesForeignDatabase()
{
    QVERIFY(QDir().mkpath(QFileInfo(m_path).absolutePath()));
    {
        RawDb raw(m_path);
        QVERIFY(raw.exec(QStringLiteral("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")));
    }
    HistoryStore store(options());
    QVERIFY(store.open());
    QVERIFY(store.isDegraded());
    QVERIFY2(store.degradedReason().contains(u"not a healthdeck history"), qPrintable(store.degradedReason()));
    QVERIFY(store.degradedReason().contains(m_path));
    store.close();
    RawDb raw(m_path);
    QCOMPARE(raw.value(QStringLiteral("SELECT count(*) FROM sqlite_master")).toInt(), 1);
}

void TestHistoryStore::eventCommittedBeforeCallback()
{
    HistoryStore store(options());
    QVERIFY(store.open());
    QSignalSpy committed(&store, &HistoryStore::committed);
    QSignalSpy eventCommitted(&store, &HistoryStore::eventCommitted);

    hd::StateEvent e = makeEvent(1'700'000'000'123, QStringLiteral("workers"), Status::Ok, Status::Stale,
        QStringLiteral("last_activity 95 s ago"));
    e.check = QStringLiteral("heartbeat");
    e.item = QStringLiteral("health:worker1");
    e.severity = hd::Severity::Warning;
    e.impactedBy = QStringLiteral("database");
    e.flapping = true;

    bool called = false;
    hd::WriteResult result;
    int rowsInFile = -1;
    const quint64 id = store.writeEvent(e, this, [&](const hd::WriteResult& r) {
        called = true;
        result = r;
        // Another connection must already see the row: it was committed, not merely queued.
        RawDb raw(m_path, QStringLiteral("callback"));
        rowsInFile = raw.value(QStringLiteral("SELECT count(*) FROM events WHERE id = %1 AND detail = '%2'")
                                   .arg(r.rowId)
                                   .arg(e.detail))
                         .toInt();
    });
    QVERIFY(id > 0);
    QTRY_VERIFY(called);
    QVERIFY2(result.ok, qPrintable(result.error));
    QVERIFY(result.persisted);
    QCOMPARE(result.requestId, id);
    QVERIFY(result.rowId > 0);
    QCOMPARE(rowsInFile, 1);
    QTRY_COMPARE(committed.count(), 1);
    QCOMPARE(committed.at(0).at(0).toULongLong(), id);
    QTRY_COMPARE(eventCommitted.count(), 1);
    const auto signalled = qvariant_cast<hd::StateEvent>(eventCommitted.at(0).at(0));
    QCOMPARE(signalled.id, result.rowId);
    QCOMPARE(eventCommitted.at(0).at(1).toBool(), true);

    const auto read = store.events({});
    QCOMPARE(read.size(), 1);
    e.id = result.rowId;
    QCOMPARE(read.first(), e);
    QCOMPARE(read.first().checkKey(), QStringLiteral("workers/heartbeat/health:worker1"));

    // A callback whose context is gone is skipped; the signal still comes.
    auto context = std::make_unique<QObject>();
    bool lateCalled = false;
    store.writeEvent(e, context.get(), [&](const hd::WriteResult&) { lateCalled = true; });
    context.reset();
    QTRY_COMPARE(committed.count(), 2);
    QVERIFY(!lateCalled);
    QCOMPARE(store.eventCount({}), 2);
}

void TestHistoryStore::acksAndSilences()
{
    HistoryStore store(options());
    QVERIFY(store.open());
    hd::Ack sticky { 0, QStringLiteral("db/ping"), QStringLiteral("alice"), QStringLiteral("on it"), 1000, 0, 0, {} };
    hd::Ack expiring { 0, QStringLiteral("api/ready"), QStringLiteral("bob"), QStringLiteral("deploy"), 1500, 5000, 0,
        {} };
    const auto a1 = store.addAckSync(sticky);
    const auto a2 = store.addAckSync(expiring);
    QVERIFY(a1.ok && a2.ok);
    QVERIFY(a2.rowId > a1.rowId);

    hd::AckQuery active;
    active.atMs = 2000;
    QCOMPARE(store.acks(active).size(), 2);
    active.atMs = 6000;
    auto list = store.acks(active);
    QCOMPARE(list.size(), 1);
    sticky.id = a1.rowId;
    QCOMPARE(list.first(), sticky);
    active.checkKey = QStringLiteral("api/ready");
    QCOMPARE(store.acks(active).size(), 0);

    const auto cleared = store.clearAcksSync(QStringLiteral("db/ping"), 7000, QStringLiteral("recovered"));
    QVERIFY(cleared.ok);
    QCOMPARE(cleared.rowsAffected, 1);
    active.checkKey.clear();
    active.atMs = 8000;
    QCOMPARE(store.acks(active).size(), 0);
    hd::AckQuery all;
    all.activeOnly = false;
    list = store.acks(all);
    QCOMPARE(list.size(), 2);
    QCOMPARE(list.at(0).checkKey, QStringLiteral("api/ready")); // newest first
    QCOMPARE(list.at(1).clearedMs, 7000);
    QCOMPARE(list.at(1).clearedReason, QStringLiteral("recovered"));
    QVERIFY(!list.at(1).isActive(8000));

    hd::Silence once;
    once.targetKind = hd::Silence::Target::Service;
    once.target = QStringLiteral("trading-api");
    once.author = QStringLiteral("alice");
    once.comment = QStringLiteral("migration");
    once.startMs = 1000;
    once.endMs = 9000;
    hd::Silence weekly;
    weekly.targetKind = hd::Silence::Target::Tag;
    weekly.target = QStringLiteral("batch");
    weekly.author = QStringLiteral("bob");
    weekly.startMs = 2000;
    weekly.weekly = QStringLiteral("Sat 22:00-23:30");
    weekly.timezone = "Europe/London";
    const auto s1 = store.addSilenceSync(once);
    const auto s2 = store.addSilenceSync(weekly);
    QVERIFY(s1.ok && s2.ok);
    hd::SilenceQuery inForce;
    inForce.atMs = 5000;
    QCOMPARE(store.silences(inForce).size(), 2);
    inForce.atMs = 10000;
    auto silences = store.silences(inForce);
    QCOMPARE(silences.size(), 1);
    weekly.id = s2.rowId;
    QCOMPARE(silences.first(), weekly);
    QCOMPARE(store.cancelSilenceSync(s2.rowId, 11000).rowsAffected, 1);
    QCOMPARE(store.cancelSilenceSync(s2.rowId, 11500).rowsAffected, 0); // already cancelled
    inForce.atMs = 12000;
    QCOMPARE(store.silences(inForce).size(), 0);
    hd::SilenceQuery everything;
    everything.inForceOnly = false;
    silences = store.silences(everything);
    QCOMPARE(silences.size(), 2);
    QCOMPARE(silences.first().cancelledMs, 11000);
    QCOMPARE(silences.last().targetKind, hd::Silence::Target::Service);
}

void TestHistoryStore::samplesAppearAfterFlush()
{
    auto o = options();
    o.flushIntervalMs = 3'600'000; // only flush() or the row threshold commits
    o.flushRows = 100;
    HistoryStore store(o);
    QVERIFY(store.open());
    hd::SampleQuery query;
    query.checkKey = QStringLiteral("api/ready");
    QList<hd::Sample> batch;
    for (int i = 0; i < 10; ++i)
        batch << hd::Sample { 1'000'000 + i * 1000, query.checkKey, Status::Ok, 1.5 + i };
    store.addSamples(batch);
    QCOMPARE(store.samples(query).size(), 0);
    store.flush();
    const auto flushed = store.samples(query);
    QCOMPARE(flushed, batch);

    // Reaching flushRows commits without flush().
    batch.clear();
    for (int i = 0; i < 100; ++i)
        batch << hd::Sample { 2'000'000 + i * 1000, query.checkKey, Status::Down, 0.25 };
    store.addSamples(batch);
    QTRY_COMPARE(store.samples(query).size(), 110);
    QCOMPARE(store.samples(query).last().latencyMs, 0.25);

    // And a short interval commits on its own.
    auto o2 = options();
    o2.path = m_dir->filePath(QStringLiteral("timer.sqlite"));
    o2.flushIntervalMs = 50;
    HistoryStore timed(o2);
    QVERIFY(timed.open());
    timed.addSample({ 5000, query.checkKey, Status::Ok, 3 });
    QTRY_COMPARE(timed.samples(query).size(), 1);
}

void TestHistoryStore::rollupMath_data()
{
    QTest::addColumn<QList<double>>("latencies");
    QTest::addColumn<double>("min");
    QTest::addColumn<double>("p50");
    QTest::addColumn<double>("p95");
    QTest::addColumn<double>("max");
    QList<double> hundred;
    for (int i = 100; i >= 1; --i)
        hundred << i;
    QTest::newRow("1..100 reversed") << hundred << 1.0 << 50.0 << 95.0 << 100.0;
    QList<double> twenty;
    for (int i = 1; i <= 20; ++i)
        twenty << i * 10;
    QTest::newRow("10..200") << twenty << 10.0 << 100.0 << 190.0 << 200.0;
    QTest::newRow("single value") << QList<double> { 7.5 } << 7.5 << 7.5 << 7.5 << 7.5;
    QTest::newRow("two values") << QList<double> { 20, 10 } << 10.0 << 10.0 << 20.0 << 20.0;
    QTest::newRow("outlier drives p95 only")
        << QList<double> { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 900 } << 1.0 << 1.0 << 1.0 << 900.0;
}

void TestHistoryStore::rollupMath()
{
    QFETCH(QList<double>, latencies);
    QFETCH(double, min);
    QFETCH(double, p50);
    QFETCH(double, p95);
    QFETCH(double, max);
    const hd::Rollup r = hd::summarizeLatencies(latencies, 3);
    QCOMPARE(r.count, latencies.size());
    QCOMPARE(r.failures, 3);
    QCOMPARE(r.minMs, min);
    QCOMPARE(r.p50Ms, p50);
    QCOMPARE(r.p95Ms, p95);
    QCOMPARE(r.maxMs, max);
}

void TestHistoryStore::rollupsFromSamples()
{
    auto o = options();
    o.flushIntervalMs = 3'600'000;
    HistoryStore store(o);
    QVERIFY(store.open());
    const QString key = QStringLiteral("api/ready");
    const qint64 minute1 = t0 + 5 * 60'000;
    const qint64 minute2 = minute1 + 60'000;
    QList<hd::Sample> batch;
    for (int i = 0; i < 60; ++i) {
        // Latencies 1..60 in the first minute, 6 of them failed; 101..160 in the second.
        batch << hd::Sample { minute1 + i * 1000, key, i % 10 == 0 ? Status::Down : Status::Ok, double(i + 1) };
        batch << hd::Sample { minute2 + i * 1000, key, Status::Degraded, double(i + 101) };
    }
    batch << hd::Sample { minute1, QStringLiteral("db/ping"), Status::Stale, 4 };
    std::shuffle(batch.begin(), batch.end(), *QRandomGenerator::global());
    store.addSamples(batch);
    store.flush();

    hd::RollupQuery minutes;
    minutes.checkKeys = { key };
    const auto m = store.rollups(minutes);
    QCOMPARE(m.size(), 2);
    QCOMPARE(m.at(0), (hd::Rollup { key, minute1, 60, 6, 1, 30, 57, 60 }));
    QCOMPARE(m.at(1), (hd::Rollup { key, minute2, 60, 0, 101, 130, 157, 160 }));

    hd::RollupQuery hours;
    hours.granularity = hd::RollupGranularity::Hour;
    hours.fromMs = t0;
    hours.toMs = t0 + hourMs;
    const auto h = store.rollups(hours);
    QCOMPARE(h.size(), 2); // api/ready and db/ping
    // Counts and extremes are exact; hour percentiles come from the minutes' sketches, within 1 %.
    QCOMPARE(h.at(0).checkKey, key);
    QCOMPARE(h.at(0).bucketMs, t0);
    QCOMPARE(h.at(0).count, 120);
    QCOMPARE(h.at(0).failures, 6);
    QCOMPARE(h.at(0).minMs, 1.0);
    QCOMPARE(h.at(0).maxMs, 160.0);
    QVERIFY2(qAbs(h.at(0).p50Ms - 60) <= 0.6, qPrintable(QString::number(h.at(0).p50Ms)));
    QVERIFY2(qAbs(h.at(0).p95Ms - 154) <= 1.54, qPrintable(QString::number(h.at(0).p95Ms)));
    QCOMPARE(h.at(1), (hd::Rollup { QStringLiteral("db/ping"), t0, 1, 1, 4, 4, 4, 4 }));

    // A late sample for an old minute is folded in at the next flush.
    store.addSample({ minute1 + 59'500, key, Status::Down, 1000 });
    store.flush();
    minutes.fromMs = minute1;
    minutes.toMs = minute1 + 1;
    const auto late = store.rollups(minutes);
    QCOMPARE(late.size(), 1);
    QCOMPARE(late.first().count, 61);
    QCOMPARE(late.first().failures, 7);
    QCOMPARE(late.first().maxMs, 1000.0);
    QCOMPARE(store.rollups(hours).first().count, 121);
}

void TestHistoryStore::rollupsFollowTheClock()
{
    std::atomic<qint64> now { t0 + 30'000 };
    auto o = options();
    o.clock = [&now] { return now.load(); };
    o.flushIntervalMs = 20;
    HistoryStore store(o);
    QVERIFY(store.open());
    const QString key = QStringLiteral("api/ready");
    for (int i = 0; i < 30; ++i)
        store.addSample({ t0 + i * 1000, key, Status::Ok, double(i) });
    QTRY_COMPARE(store.samples({ key, 0, 0, 0 }).size(), 30);
    hd::RollupQuery minutes;
    hd::RollupQuery hours;
    hours.granularity = hd::RollupGranularity::Hour;
    QCOMPARE(store.rollups(minutes).size(), 0); // the minute is still running

    now = t0 + 60'000 + 11'000; // over, grace included
    QTRY_COMPARE(store.rollups(minutes).size(), 1);
    QCOMPARE(store.rollups(minutes).first().count, 30);
    QCOMPARE(store.rollups(hours).size(), 0);

    // A late sample for the finished minute is folded in at the next tick.
    store.addSample({ t0 + 45'000, key, Status::Down, 99 });
    QTRY_COMPARE(store.rollups(minutes).first().count, 31);
    QCOMPARE(store.rollups(minutes).first().failures, 1);

    now = t0 + hourMs + 11'000;
    QTRY_COMPARE(store.rollups(hours).size(), 1);
    QCOMPARE(store.rollups(hours).first().count, 31);
    QCOMPARE(store.rollups(hours).first().maxMs, 99.0);
}

// The hour is merged one check at a time: each check's hour must come from its own minutes of that hour only.
void TestHistoryStore::hourRollupsOfManyChecks()
{
    auto o = options();
    o.flushIntervalMs = 3'600'000;
    HistoryStore store(o);
    QVERIFY(store.open());
    constexpr int checks = 300;
    const auto key = [](int c) { return QStringLiteral("svc%1/check").arg(c, 3, 10, QLatin1Char('0')); };
    QList<hd::Sample> batch;
    for (int c = 0; c < checks; ++c) {
        // Three minutes in the hour, every check with its own latencies (c + 1 .. c + 60 ms twice, then 1000 ms
        // more) and its own number of failures; every third check also has a minute in the next hour.
        for (int m = 0; m < 3; ++m) {
            for (int i = 0; i < 60; ++i) {
                const double ms = c + 1 + i + (m == 2 ? 1000 : 0);
                const bool failed = i < c % 7 && m == 0;
                batch << hd::Sample { t0 + (10 + m) * 60'000 + i * 1000, key(c), failed ? Status::Down : Status::Ok,
                    ms };
            }
        }
        if (c % 3 == 0)
            batch << hd::Sample { t0 + hourMs + 5'000, key(c), Status::Down, 1e6 };
    }
    std::shuffle(batch.begin(), batch.end(), *QRandomGenerator::global());
    store.addSamples(batch);
    store.flush();

    hd::RollupQuery hours;
    hours.granularity = hd::RollupGranularity::Hour;
    hours.fromMs = t0;
    hours.toMs = t0 + hourMs;
    const auto h = store.rollups(hours);
    QCOMPARE(h.size(), checks);
    for (int c = 0; c < checks; ++c) {
        const hd::Rollup& r = h.at(c); // ordered by key
        QCOMPARE(r.checkKey, key(c));
        QCOMPARE(r.bucketMs, t0);
        QCOMPARE(r.count, 180);
        QCOMPARE(r.failures, c % 7);
        QCOMPARE(r.minMs, double(c + 1));
        QCOMPARE(r.maxMs, double(c + 1060));
        // Nearest rank over the 180 latencies: the first two minutes hold c + 1 .. c + 60 twice, so the 90th is
        // c + 45 ms; the 171st is the 51st of the third minute, c + 1051 ms. Sketches are within 1 %.
        QVERIFY2(qAbs(r.p50Ms - (c + 45)) <= 0.01 * (c + 45), qPrintable(QString::number(r.p50Ms)));
        QVERIFY2(qAbs(r.p95Ms - (c + 1051)) <= 0.01 * (c + 1051), qPrintable(QString::number(r.p95Ms)));
    }
    hours.fromMs = t0 + hourMs;
    hours.toMs = t0 + 2 * hourMs;
    const auto next = store.rollups(hours);
    QCOMPARE(next.size(), checks / 3);
    for (const hd::Rollup& r : next)
        QCOMPARE(r, (hd::Rollup { r.checkKey, t0 + hourMs, 1, 1, 1e6, 1e6, 1e6, 1e6 }));
}

void TestHistoryStore::retentionSweepWithInjectedClock()
{
    std::atomic<qint64> now { t0 };
    auto o = options();
    o.clock = [&now] { return now.load(); };
    o.sweepBatchRows = 7; // many small batches
    o.flushIntervalMs = 3'600'000;
    HistoryStore store(o);
    QVERIFY(store.open());

    QList<hd::Sample> samples;
    for (int i = 0; i < 30; ++i) {
        samples << hd::Sample { t0 - 49 * hourMs + i * 1000, QStringLiteral("old/a"), Status::Ok, 1 };
        samples << hd::Sample { t0 - 49 * hourMs + i * 1000, QStringLiteral("old/b"), Status::Ok, 2 };
    }
    for (int i = 0; i < 5; ++i)
        samples << hd::Sample { t0 - hourMs + i * 1000, QStringLiteral("old/a"), Status::Ok, 3 };
    store.addSamples(samples);
    store.flush();

    QList<hd::StateEvent> events;
    for (int i = 0; i < 20; ++i)
        events << makeEvent(t0 - 366 * dayMs + i, QStringLiteral("old"), Status::Ok, Status::Down);
    for (int i = 0; i < 3; ++i)
        events << makeEvent(t0 - dayMs + i, QStringLiteral("recent"), Status::Ok, Status::Down);
    QVERIFY(store.writeEventsSync(events).ok);

    hd::AuditEntry audit;
    audit.osUser = QStringLiteral("ops");
    audit.service = QStringLiteral("api");
    audit.action = QStringLiteral("cache-stats");
    audit.result = QStringLiteral("success");
    for (qint64 t : { t0 - 400 * dayMs, t0 - 399 * dayMs, t0 - dayMs }) {
        audit.timeMs = t;
        QVERIFY(store.appendAuditSync(audit).ok);
    }
    // Ended long ago: gone. Never ended, however old: kept.
    QVERIFY(store
                .addAckSync({ 0, QStringLiteral("a/x"), QStringLiteral("al"), {}, t0 - 380 * dayMs, 0, t0 - 370 * dayMs,
                    QStringLiteral("recovered") })
                .ok);
    QVERIFY(store
                .addAckSync(
                    { 0, QStringLiteral("a/y"), QStringLiteral("al"), {}, t0 - 390 * dayMs, t0 - 380 * dayMs, 0, {} })
                .ok);
    QVERIFY(store.addAckSync({ 0, QStringLiteral("a/z"), QStringLiteral("al"), {}, t0 - 500 * dayMs, 0, 0, {} }).ok);
    hd::Silence ended;
    ended.target = QStringLiteral("api");
    ended.author = QStringLiteral("al");
    ended.startMs = t0 - 371 * dayMs;
    ended.endMs = t0 - 370 * dayMs;
    hd::Silence weekly = ended;
    weekly.endMs = 0;
    weekly.weekly = QStringLiteral("Sun 01:00-02:00");
    hd::Silence cancelled = ended;
    cancelled.endMs = 0;
    cancelled.cancelledMs = t0 - dayMs;
    for (const auto& s : { ended, weekly, cancelled })
        QVERIFY(store.addSilenceSync(s).ok);

    hd::RollupQuery minuteRollups;
    hd::RollupQuery hourRollups;
    hourRollups.granularity = hd::RollupGranularity::Hour;
    QCOMPARE(store.rollups(minuteRollups).size(), 3);
    QCOMPARE(store.rollups(hourRollups).size(), 3);

    auto stats = store.sweepNow();
    QCOMPARE(stats.samples, 60);
    QCOMPARE(stats.events, 20);
    QCOMPARE(stats.audit, 2);
    QCOMPARE(stats.acks, 2);
    QCOMPARE(stats.silences, 1);
    QCOMPARE(stats.minuteRollups, 0);
    QCOMPARE(stats.hourRollups, 0);
    QCOMPARE(store.samples({ QStringLiteral("old/a"), 0, 0, 0 }).size(), 5);
    QCOMPARE(store.samples({ QStringLiteral("old/b"), 0, 0, 0 }).size(), 0);
    QCOMPARE(store.eventCount({}), 3);
    QCOMPARE(store.events({}).first().service, QStringLiteral("recent"));
    hd::AckQuery allAcks;
    allAcks.activeOnly = false;
    const auto acks = store.acks(allAcks);
    QCOMPARE(acks.size(), 1);
    QCOMPARE(acks.first().checkKey, QStringLiteral("a/z"));
    hd::SilenceQuery allSilences;
    allSilences.inForceOnly = false;
    QCOMPARE(store.silences(allSilences).size(), 2);
    QCOMPARE(store.rollups(hourRollups).size(), 3); // the summaries outlive the raw samples
    QCOMPARE(store.sweepNow().total(), 0); // nothing left to do

    now = t0 + 31 * dayMs;
    stats = store.sweepNow();
    QCOMPARE(stats.samples, 5);
    QCOMPARE(stats.minuteRollups, 3);
    QCOMPARE(stats.hourRollups, 0);
    QCOMPARE(stats.events, 0);
    QCOMPARE(store.rollups(minuteRollups).size(), 0);
    QCOMPARE(store.rollups(hourRollups).size(), 3);

    now = t0 + 401 * dayMs;
    stats = store.sweepNow();
    QCOMPARE(stats.hourRollups, 3);
    QCOMPARE(stats.events, 3);
    QCOMPARE(stats.audit, 1);
    QCOMPARE(stats.silences, 1); // the cancelled one, a year after its cancellation
    QCOMPARE(store.eventCount({}), 0);
    QCOMPARE(store.silences(allSilences).size(), 1);
    QCOMPARE(store.acks(allAcks).size(), 1);
}

void TestHistoryStore::retentionSweepOnOpen()
{
    std::atomic<qint64> now { t0 };
    auto o = options();
    o.clock = [&now] { return now.load(); };
    {
        HistoryStore store(o);
        QVERIFY(store.open());
        QList<hd::StateEvent> events;
        for (int i = 0; i < 50; ++i)
            events << makeEvent(t0 - i * dayMs, QStringLiteral("api"), Status::Ok, Status::Down);
        QVERIFY(store.writeEventsSync(events).ok);
    }
    now = t0 + 340 * dayMs; // events older than t0 - 25 d are past the 365 d retention
    HistoryStore store(o);
    QSignalSpy swept(&store, &HistoryStore::swept);
    QVERIFY(store.open());
    QVERIFY(swept.wait());
    QCOMPARE(qvariant_cast<hd::SweepStats>(swept.at(0).at(0)).events, 24);
    QCOMPARE(store.eventCount({}), 26);
}

void TestHistoryStore::leaseHasOneHolder()
{
    // Two stores on one file, as two processes: the lease is one holder's until it is released or expires.
    qint64 nowMs = 1'000'000;
    HistoryStore::Options o = options();
    o.clock = [&nowMs] { return nowMs; };
    HistoryStore a(o), b(o);
    QVERIFY(a.open());
    QVERIFY(b.open());
    const QString name = QStringLiteral("remediation");
    hd::WriteResult r = a.acquireLeaseSync(name, QStringLiteral("monitor@a"), 30'000);
    QVERIFY(r.ok);
    QVERIFY(r.persisted);
    QCOMPARE(r.rowsAffected, 1);
    r = b.acquireLeaseSync(name, QStringLiteral("dashboard@b"), 30'000);
    QVERIFY(r.ok);
    QCOMPARE(r.rowsAffected, 0);
    QCOMPARE(r.error, QStringLiteral("monitor@a")); // who holds it
    nowMs += 20'000;
    QCOMPARE(a.acquireLeaseSync(name, QStringLiteral("monitor@a"), 30'000).rowsAffected, 1); // renewed
    nowMs += 20'000;
    QCOMPARE(b.acquireLeaseSync(name, QStringLiteral("dashboard@b"), 30'000).rowsAffected, 0); // still renewed
    nowMs += 11'000;
    QCOMPARE(b.acquireLeaseSync(name, QStringLiteral("dashboard@b"), 30'000).rowsAffected, 1); // expired: taken over
    QCOMPARE(a.acquireLeaseSync(name, QStringLiteral("monitor@a"), 30'000).rowsAffected, 0);
    // Releasing someone else's lease does nothing; the holder's own release frees it at once.
    QCOMPARE(a.releaseLeaseSync(name, QStringLiteral("monitor@a")).rowsAffected, 0);
    QCOMPARE(b.releaseLeaseSync(name, QStringLiteral("dashboard@b")).rowsAffected, 1);
    QCOMPARE(a.acquireLeaseSync(name, QStringLiteral("monitor@a"), 30'000).rowsAffected, 1);
}

void TestHistoryStore::leaseReleasedAsync()
{
    HistoryStore a(options()), b(options());
    QVERIFY(a.open());
    QVERIFY(b.open());
    const QString name = QStringLiteral("remediation");
    QCOMPARE(a.acquireLeaseSync(name, QStringLiteral("monitor@a"), 30'000).rowsAffected, 1);
    std::optional<hd::WriteResult> released;
    a.releaseLease(name, QStringLiteral("monitor@a"), this, [&](const hd::WriteResult& r) { released = r; });
    QTRY_VERIFY(released.has_value());
    QVERIFY(released->ok);
    QCOMPARE(released->rowsAffected, 1);
    QCOMPARE(b.acquireLeaseSync(name, QStringLiteral("dashboard@b"), 30'000).rowsAffected, 1);
}

void TestHistoryStore::blockingCallsWarnOnUiThread()
{
    // The blocking calls are for the command line and tests: on a window's thread they say so, once.
    HistoryStore::setUiThread(QThread::currentThread());
    const auto reset = qScopeGuard([] { HistoryStore::setUiThread(nullptr); });
    HistoryStore store(options());
    QTest::ignoreMessage(
        QtWarningMsg, QRegularExpression(QStringLiteral("HistoryStore::open\\(\\) blocks the UI thread")));
    QVERIFY(store.open());
    QTest::failOnWarning(QRegularExpression(QStringLiteral("blocks the UI thread"))); // once is enough
    QVERIFY(store.writeEventSync(makeEvent(t0, QStringLiteral("api"), Status::Ok, Status::Down)).ok);
    QCOMPARE(store.events({}).size(), 1);
    // The asynchronous calls never warn.
    HistoryStore::setUiThread(nullptr);
    QSignalSpy ready(&store, &HistoryStore::eventsReady);
    store.requestEvents({});
    QVERIFY(ready.wait());
}

void TestHistoryStore::auditIsRedacted()
{
    HistoryStore store(options());
    QVERIFY(store.open());
    hd::AuditEntry entry;
    entry.timeMs = 1'700'000'000'000;
    entry.osUser = QStringLiteral("ops");
    entry.service = QStringLiteral("trading-api");
    entry.action = QStringLiteral("cache-clear");
    entry.params = QJsonDocument::fromJson(
        R"({"type":"price","exchange":"binance","password":"hunter2-pw","auth":{"token":"tok-XYZ-123"},
            "headers":{"Authorization":"Basic b3BzOmh1bnRlcjI="}})")
                       .object();
    entry.httpStatus = 200;
    entry.result = QStringLiteral("success");
    entry.message
        = QStringLiteral("캐시 삭제 완료; retried with Authorization: Bearer tok-ABC-456 and api_key=key-789");
    const auto r = store.appendAuditSync(entry);
    QVERIFY2(r.ok, qPrintable(r.error));
    entry.timeMs += 1000;
    entry.service = QStringLiteral("other");
    QVERIFY(store.appendAuditSync(entry).ok);

    hd::AuditQuery query;
    query.service = QStringLiteral("trading-api");
    const auto rows = store.audit(query);
    QCOMPARE(rows.size(), 1);
    const hd::AuditEntry& row = rows.first();
    QCOMPARE(row.params.value(u"type").toString(), QStringLiteral("price"));
    QCOMPARE(row.params.value(u"exchange").toString(), QStringLiteral("binance"));
    QCOMPARE(row.params.value(u"password").toString(), QStringLiteral("[redacted]"));
    QCOMPARE(row.httpStatus, 200);
    QVERIFY(row.message.startsWith(u"캐시 삭제 완료"));
    const QByteArray stored = QJsonDocument(row.params).toJson() + row.message.toUtf8();
    for (const char* secret : { "hunter2", "tok-XYZ", "b3BzOmh1bnRlcjI", "tok-ABC", "key-789" })
        QVERIFY2(!stored.contains(secret), secret);
    QCOMPARE(store.audit({}).size(), 2);
    QCOMPARE(store.audit({}).first().service, QStringLiteral("other")); // newest first

    // Nothing reached the file or its WAL either, before or after the checkpoint at close.
    const auto grepFiles = [&] {
        QByteArray bytes;
        for (const QString& suffix : { QString(), QStringLiteral("-wal") }) {
            QFile f(m_path + suffix);
            if (f.open(QIODevice::ReadOnly))
                bytes += f.readAll();
        }
        return bytes;
    };
    QByteArray raw = grepFiles();
    QVERIFY(raw.contains("binance")); // the check can fail: the row is in there
    for (const char* secret : { "hunter2", "tok-XYZ", "b3BzOmh1bnRlcjI", "tok-ABC", "key-789" })
        QVERIFY2(!raw.contains(secret), secret);
    store.close();
    raw = grepFiles();
    QVERIFY(raw.contains("binance"));
    for (const char* secret : { "hunter2", "tok-XYZ", "b3BzOmh1bnRlcjI", "tok-ABC", "key-789" })
        QVERIFY2(!raw.contains(secret), secret);
}

void TestHistoryStore::paginationOver100kEvents()
{
    HistoryStore store(options());
    QVERIFY(store.open());
    constexpr int total = 100'000;
    const Status statuses[]
        = { Status::Ok, Status::Down, Status::Stale, Status::Degraded, Status::Unknown, Status::Starting };
    QList<hd::StateEvent> all;
    all.reserve(total);
    for (int i = 0; i < total; ++i) {
        // Three events share each timestamp, so the id has to break ties.
        hd::StateEvent e = makeEvent(1'700'000'000'000 + (i / 3) * 1000, QStringLiteral("svc%1").arg(i % 7), Status::Ok,
            statuses[i % 6], QStringLiteral("event %1").arg(i));
        e.severity = i % 5 == 0 ? hd::Severity::Warning : hd::Severity::Critical;
        all << e;
    }
    for (int start = 0; start < total; start += 10'000) {
        const auto r = store.writeEventsSync(all.mid(start, 10'000));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.rowsAffected, 10'000);
    }
    QCOMPARE(store.eventCount({}), total);

    for (bool oldestFirst : { false, true }) {
        hd::EventQuery q;
        q.limit = oldestFirst ? 4096 : 1000;
        q.oldestFirst = oldestFirst;
        QList<hd::StateEvent> seen;
        for (;;) {
            const auto page = store.events(q);
            if (page.isEmpty())
                break;
            QVERIFY(page.size() <= q.limit);
            seen += page;
            q.after = hd::EventCursor { page.last().timeMs, page.last().id };
        }
        QCOMPARE(seen.size(), total);
        for (int i = 1; i < seen.size(); ++i) {
            const auto a = std::pair { seen.at(i - 1).timeMs, seen.at(i - 1).id };
            const auto b = std::pair { seen.at(i).timeMs, seen.at(i).id };
            QVERIFY(oldestFirst ? a < b : a > b);
        }
        // Written in time order, so the ids run 1..total along the oldest-first order.
        const int last = oldestFirst ? total - 1 : 0;
        QCOMPARE(seen.at(last).detail, QStringLiteral("event %1").arg(total - 1));
        if (oldestFirst) {
            for (int i = 0; i < total; i += 9973)
                QCOMPARE(seen.at(i).detail, all.at(i).detail);
        }
    }

    // Offset paging agrees with keyset paging.
    hd::EventQuery byOffset;
    byOffset.limit = 50;
    byOffset.offset = 50'000;
    const auto offsetPage = store.events(byOffset);
    QCOMPARE(offsetPage.size(), 50);
    QCOMPARE(offsetPage.first().detail, QStringLiteral("event %1").arg(total - 1 - 50'000));

    // Filters, compared with the same filter applied to what was written.
    hd::EventQuery filtered;
    filtered.limit = 0;
    filtered.services = { QStringLiteral("svc3") };
    filtered.statuses = { Status::Down, Status::Stale };
    filtered.severities = { hd::Severity::Warning };
    filtered.fromMs = all.at(30'000).timeMs;
    filtered.toMs = all.at(90'000).timeMs;
    const auto expected = std::count_if(all.cbegin(), all.cend(), [&](const hd::StateEvent& e) {
        return e.service == u"svc3" && (e.to == Status::Down || e.to == Status::Stale)
            && e.severity == hd::Severity::Warning && e.timeMs >= filtered.fromMs && e.timeMs < filtered.toMs;
    });
    QVERIFY(expected > 100);
    QCOMPARE(store.eventCount(filtered), expected);
    const auto matching = store.events(filtered);
    QCOMPARE(matching.size(), expected);
    for (const auto& e : matching)
        QVERIFY(e.service == u"svc3" && e.severity == hd::Severity::Warning);

    hd::EventQuery text;
    text.limit = 0;
    text.text = QStringLiteral("EVENT 9999");
    QCOMPARE(store.eventCount(text), 11); // 9999 and 99990..99999
    text.text = QStringLiteral("100%");
    QCOMPARE(store.eventCount(text), 0); // % is literal
    text.text = QStringLiteral("ent_1");
    QCOMPARE(store.eventCount(text), 0); // and so is _
    hd::EventQuery byKey;
    byKey.limit = 0;
    byKey.checkKeys = { QStringLiteral("svc0/ready") };
    QCOMPARE(store.eventCount(byKey), (total + 6) / 7);
}

void TestHistoryStore::asyncQueries()
{
    HistoryStore store(options());
    QVERIFY(store.open());
    QVERIFY(store.writeEventSync(makeEvent(1000, QStringLiteral("api"), Status::Ok, Status::Down)).ok);
    QVERIFY(store.writeEventSync(makeEvent(2000, QStringLiteral("db"), Status::Ok, Status::Down)).ok);
    QVERIFY(store.addAckSync({ 0, QStringLiteral("api/ready"), QStringLiteral("al"), {}, 1500, 0, 0, {} }).ok);
    store.addSample({ 1000, QStringLiteral("api/ready"), Status::Down, 12 });
    store.flush();

    QSignalSpy events(&store, &HistoryStore::eventsReady);
    QSignalSpy count(&store, &HistoryStore::eventCountReady);
    QSignalSpy samples(&store, &HistoryStore::samplesReady);
    QSignalSpy rollups(&store, &HistoryStore::rollupsReady);
    QSignalSpy acks(&store, &HistoryStore::acksReady);
    QSignalSpy silences(&store, &HistoryStore::silencesReady);
    QSignalSpy audit(&store, &HistoryStore::auditReady);
    hd::EventQuery q;
    q.services = { QStringLiteral("db") };
    const quint64 e1 = store.requestEvents(q);
    const quint64 e2 = store.requestEvents({});
    const quint64 c = store.requestEventCount({});
    const quint64 s = store.requestSamples({ QStringLiteral("api/ready"), 0, 0, 0 });
    const quint64 r = store.requestRollups({});
    hd::AckQuery ackQuery;
    ackQuery.atMs = 3000;
    const quint64 a = store.requestAcks(ackQuery);
    const quint64 si = store.requestSilences({});
    const quint64 au = store.requestAudit({});
    QVERIFY(e1 != e2);

    QTRY_COMPARE(events.count(), 2);
    QCOMPARE(events.at(0).at(0).toULongLong(), e1);
    QCOMPARE(qvariant_cast<QList<hd::StateEvent>>(events.at(0).at(1)).size(), 1);
    QCOMPARE(events.at(1).at(0).toULongLong(), e2);
    QCOMPARE(qvariant_cast<QList<hd::StateEvent>>(events.at(1).at(1)).first().service, QStringLiteral("db"));
    QTRY_COMPARE(count.count(), 1);
    QCOMPARE(count.at(0).at(0).toULongLong(), c);
    QCOMPARE(count.at(0).at(1).toLongLong(), 2);
    QTRY_COMPARE(samples.count(), 1);
    QCOMPARE(samples.at(0).at(0).toULongLong(), s);
    QCOMPARE(qvariant_cast<QList<hd::Sample>>(samples.at(0).at(1)).first().latencyMs, 12.0);
    QTRY_COMPARE(rollups.count(), 1);
    QCOMPARE(rollups.at(0).at(0).toULongLong(), r);
    QCOMPARE(qvariant_cast<QList<hd::Rollup>>(rollups.at(0).at(1)).first().failures, 1);
    QTRY_COMPARE(acks.count(), 1);
    QCOMPARE(acks.at(0).at(0).toULongLong(), a);
    QCOMPARE(qvariant_cast<QList<hd::Ack>>(acks.at(0).at(1)).size(), 1);
    QTRY_COMPARE(silences.count(), 1);
    QCOMPARE(silences.at(0).at(0).toULongLong(), si);
    QTRY_COMPARE(audit.count(), 1);
    QCOMPARE(audit.at(0).at(0).toULongLong(), au);
}

void TestHistoryStore::closedStoreAnswersWithErrors()
{
    HistoryStore store(options());
    QSignalSpy failed(&store, &HistoryStore::queryFailed);
    QSignalSpy committed(&store, &HistoryStore::committed);
    const quint64 id = store.requestEvents({});
    QTRY_COMPARE(failed.count(), 1);
    QCOMPARE(failed.at(0).at(0).toULongLong(), id);
    QVERIFY(failed.at(0).at(1).toString().contains(u"not open"));
    store.writeEvent(makeEvent(1, QStringLiteral("api"), Status::Ok, Status::Down));
    QTRY_COMPARE(committed.count(), 1);
    QVERIFY(!qvariant_cast<hd::WriteResult>(committed.at(0).at(1)).ok);
    QVERIFY(!store.writeEventSync(makeEvent(1, QStringLiteral("api"), Status::Ok, Status::Down)).ok);
    QString error;
    QCOMPARE(store.events({}, &error).size(), 0);
    QVERIFY(!error.isEmpty());
    QVERIFY(!store.isOpen());
}

QTEST_GUILESS_MAIN(TestHistoryStore)
#include "tst_historystore.moc"
