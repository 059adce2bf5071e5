#include "models/historymodel.h"
#include "models/statusroles.h"
#include "store/historystore.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <limits>
#include <memory>

using namespace hd;

namespace {

constexpr qint64 kBase = 1'700'000'000'000; // a fixed past instant (November 2023), ms since the epoch
constexpr int kEvents = 2500;

StateEvent makeEvent(qint64 timeMs, const QString& service, Status from, Status to, const QString& detail,
    Severity severity = Severity::Critical)
{
    StateEvent e;
    e.timeMs = timeMs;
    e.service = service;
    e.check = QStringLiteral("ready");
    e.from = from;
    e.to = to;
    e.severity = severity;
    e.detail = detail;
    return e;
}

// Touches every row the way a view scrolling from top to bottom does, until all are loaded.
bool loadAll(HistoryModel& model)
{
    return QTest::qWaitFor(
        [&] {
            bool all = true;
            for (int r = 0; r < model.rowCount(); ++r) {
                if (!model.isRowLoaded(r)) {
                    all = false;
                    break; // ask for this page, wait for it, go on
                }
            }
            return all;
        },
        20000);
}

} // namespace

class TestHistoryModel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void opensWithTheCountAndFetchesLazily();
    void jumpToTheOldestIsOneQuery();
    void timelineMergesAcksAndAdminActions();
    void scrollingMatchesTheStoreOrder();
    void filters_data();
    void filters();
    void liveEventsAppearOnTop();
    void csvExportContainsTheEvents();
    void unreadableStoreReportsFailure();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<HistoryStore> m_store;
    QList<StateEvent> m_written; // newest first, as the timeline shows them
};

void TestHistoryModel::initTestCase()
{
    QVERIFY(m_dir.isValid());
    HistoryOptions options;
    options.path = m_dir.filePath(QStringLiteral("history.sqlite"));
    options.retention = HistoryConfig { 0, 0, 0, 0 }; // keep the fixed past times
    m_store = std::make_unique<HistoryStore>(options);
    QVERIFY(m_store->open());
    QList<StateEvent> events;
    const QStringList services { QStringLiteral("database"), QStringLiteral("trading-api"), QStringLiteral("portal") };
    for (int i = 0; i < kEvents; ++i) {
        // Pairs share a millisecond, so that keyset paging has ties to get right.
        const qint64 t = kBase + (i / 2) * 1000;
        const Status to = i % 3 == 0 ? Status::Down : (i % 3 == 1 ? Status::Ok : Status::Stale);
        events << makeEvent(t, services.at(i % 3), Status::Ok, to, QStringLiteral("event %1").arg(i),
            i % 5 == 0 ? Severity::Warning : Severity::Critical);
    }
    events.last().detail = QStringLiteral("HTTP 503, body \"not ready\"");
    events[kEvents - 2].detail = QStringLiteral("=cmd|' /C calc'!A0");
    const WriteResult w = m_store->writeEventsSync(events);
    QVERIFY2(w.ok, qPrintable(w.error));

    Ack ack;
    ack.checkKey = QStringLiteral("database/ready");
    ack.author = QStringLiteral("alice");
    ack.comment = QStringLiteral("failing over");
    ack.createdMs = kBase + 600 * 1000 + 500; // between two events
    ack.clearedMs = kBase + 700 * 1000 + 500;
    ack.clearedReason = QStringLiteral("recovered");
    QVERIFY(m_store->addAckSync(ack).ok);
    AuditEntry audit;
    audit.timeMs = kBase + 10'000'000; // newer than every event
    audit.osUser = QStringLiteral("bob");
    audit.service = QStringLiteral("trading-api");
    audit.action = QStringLiteral("cache-clear");
    audit.result = QStringLiteral("success");
    audit.httpStatus = 200;
    QVERIFY(m_store->appendAuditSync(audit).ok);

    EventQuery all;
    all.limit = 0;
    m_written = m_store->events(all);
    QCOMPARE(m_written.size(), kEvents);
}

void TestHistoryModel::cleanupTestCase()
{
    m_store.reset();
}

void TestHistoryModel::opensWithTheCountAndFetchesLazily()
{
    HistoryModel model(m_store.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPageSize(100);
    QSignalSpy loaded(&model, &HistoryModel::loaded);
    QSignalSpy pages(&model, &HistoryModel::pageLoaded);
    model.reload();
    QVERIFY(loaded.wait(10000));
    QCOMPARE(model.eventCount(), qint64(kEvents));
    QVERIFY(model.rowCount() >= kEvents);
    // Only the first page was asked for: a row far down is not loaded until a view wants it.
    QTRY_VERIFY(model.isRowLoaded(0));
    QVERIFY(!model.isRowLoaded(1500));
    QCOMPARE(model.index(1500, HistoryModel::ColTime).data().toString(), QStringLiteral("loading\u2026"));
    QTRY_VERIFY(model.isRowLoaded(1500));
    QVERIFY(pages.count() >= 2);
    QVERIFY(pages.count() < kEvents / 100);
}

void TestHistoryModel::jumpToTheOldestIsOneQuery()
{
    HistoryModel model(m_store.get());
    model.setPageSize(100);
    QSignalSpy loaded(&model, &HistoryModel::loaded);
    model.reload();
    QVERIFY(loaded.wait(10000));
    QTRY_VERIFY(model.isRowLoaded(0)); // the first page places the newer admin action on top
    QSignalSpy pages(&model, &HistoryModel::pageLoaded);
    const int last = model.rowCount() - 1;
    QVERIFY(!model.isRowLoaded(last));
    QTRY_VERIFY(model.isRowLoaded(last));
    QCOMPARE(model.entry(last)->timeMs, m_written.last().timeMs);
    QCOMPARE(model.entry(last)->id, m_written.last().id);
    QVERIFY2(pages.count() == 1, "the last page only, nothing in between");
}

void TestHistoryModel::timelineMergesAcksAndAdminActions()
{
    HistoryModel model(m_store.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPageSize(128);
    QSignalSpy loaded(&model, &HistoryModel::loaded);
    model.reload();
    QVERIFY(loaded.wait(10000));
    QVERIFY(loadAll(model));
    QCOMPARE(model.rowCount(), kEvents + 3); // the ack, its clearing, the admin action
    qint64 previous = std::numeric_limits<qint64>::max();
    int acks = 0, admin = 0;
    for (int r = 0; r < model.rowCount(); ++r) {
        const auto e = model.entry(r);
        QVERIFY(e);
        QVERIFY2(e->timeMs <= previous, "newest first, whatever the kind");
        previous = e->timeMs;
        acks += e->kind == TimelineEntry::Kind::Acknowledgement || e->kind == TimelineEntry::Kind::AckCleared ? 1 : 0;
        admin += e->kind == TimelineEntry::Kind::Admin ? 1 : 0;
    }
    QCOMPARE(acks, 2);
    QCOMPARE(admin, 1);
    const auto top = model.entry(0);
    QCOMPARE(top->kind, TimelineEntry::Kind::Admin);
    QCOMPARE(model.index(0, HistoryModel::ColEvent).data().toString(),
        QStringLiteral("admin cache-clear: success (HTTP 200)"));
    QCOMPARE(model.index(0, HistoryModel::ColService).data().toString(), QStringLiteral("trading-api"));
    bool sawAck = false;
    for (int r = 0; r < model.rowCount(); ++r) {
        if (model.entry(r)->kind == TimelineEntry::Kind::Acknowledgement) {
            QCOMPARE(model.index(r, HistoryModel::ColEvent).data().toString(), QStringLiteral("acknowledged by alice"));
            QCOMPARE(model.index(r, HistoryModel::ColDetail).data().toString(), QStringLiteral("failing over"));
            sawAck = true;
        }
    }
    QVERIFY(sawAck);
}

void TestHistoryModel::scrollingMatchesTheStoreOrder()
{
    HistoryModel model(m_store.get());
    model.setPageSize(64);
    QSignalSpy loaded(&model, &HistoryModel::loaded);
    HistoryFilter noAux;
    noAux.includeAcks = false;
    noAux.includeAdmin = false;
    model.setFilter(noAux);
    QVERIFY(loaded.wait(10000));
    QVERIFY(loadAll(model));
    QCOMPARE(model.rowCount(), kEvents);
    for (int r = 0; r < kEvents; ++r)
        QCOMPARE(model.entry(r)->id, m_written.at(r).id);
    // Row text of a state change.
    QCOMPARE(model.index(0, HistoryModel::ColEvent).data().toString(),
        statusName(m_written.first().from) + u" \u2192 " + statusName(m_written.first().to));
    QCOMPARE(model.index(0, HistoryModel::ColTime).data(TimeRole).toLongLong(), m_written.first().timeMs);
}

void TestHistoryModel::filters_data()
{
    QTest::addColumn<QStringList>("services");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("severity");
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("expectedEvents");
    QTest::addColumn<int>("expectedAux");
    QTest::newRow("one service") << QStringList { QStringLiteral("database") } << -1 << -1 << QString()
                                 << (kEvents + 2) / 3 << 2;
    QTest::newRow("status down") << QStringList() << int(Status::Down) << -1 << QString() << (kEvents + 2) / 3 << 0;
    QTest::newRow("severity warning") << QStringList() << -1 << int(Severity::Warning) << QString() << kEvents / 5 << 0;
    QTest::newRow("text matches detail") << QStringList() << -1 << -1 << QStringLiteral("EVENT 12") << 111 << 0;
    QTest::newRow("text matches admin action") << QStringList() << -1 << -1 << QStringLiteral("cache-clear") << 0 << 1;
}

void TestHistoryModel::filters()
{
    QFETCH(QStringList, services);
    QFETCH(int, status);
    QFETCH(int, severity);
    QFETCH(QString, text);
    QFETCH(int, expectedEvents);
    QFETCH(int, expectedAux);
    HistoryModel model(m_store.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    HistoryFilter f;
    f.services = services;
    if (status >= 0)
        f.statuses = { Status(status) };
    if (severity >= 0)
        f.severities = { Severity(severity) };
    f.text = text;
    QSignalSpy loaded(&model, &HistoryModel::loaded);
    model.setFilter(f);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(model.eventCount(), qint64(expectedEvents));
    QVERIFY(loadAll(model));
    QCOMPARE(model.rowCount(), expectedEvents + expectedAux);
    for (int r = 0; r < model.rowCount(); ++r) {
        const auto e = model.entry(r);
        QVERIFY(f.accepts(*e));
        if (!services.isEmpty())
            QCOMPARE(e->service, services.first());
    }
}

void TestHistoryModel::liveEventsAppearOnTop()
{
    HistoryModel model(m_store.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy loaded(&model, &HistoryModel::loaded);
    model.reload();
    QVERIFY(loaded.wait(10000));
    QTRY_VERIFY(model.isRowLoaded(0));
    const int before = model.rowCount();
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    m_store->writeEvent(makeEvent(QDateTime::currentMSecsSinceEpoch() + 5, QStringLiteral("redis"), Status::Ok,
        Status::Down, QStringLiteral("connection refused")));
    QTRY_COMPARE(model.rowCount(), before + 1);
    QCOMPARE(model.entry(0)->service, QStringLiteral("redis"));
    QCOMPARE(inserted.first().at(1).toInt(), 0);
    // An event outside the filter does not show.
    HistoryFilter onlyPortal;
    onlyPortal.services = { QStringLiteral("portal") };
    model.setFilter(onlyPortal);
    QVERIFY(loaded.wait(10000));
    const int portalRows = model.rowCount();
    QSignalSpy committed(m_store.get(), &HistoryStore::eventCommitted); // after the model's own connection
    m_store->writeEvent(
        makeEvent(QDateTime::currentMSecsSinceEpoch() + 5, QStringLiteral("redis"), Status::Down, Status::Ok, {}));
    QTRY_COMPARE(committed.count(), 1);
    QCOMPARE(model.rowCount(), portalRows);
    // An acknowledgement made in the window shows at once.
    TimelineEntry ack;
    ack.kind = TimelineEntry::Kind::Acknowledgement;
    ack.timeMs = QDateTime::currentMSecsSinceEpoch() + 10;
    ack.service = QStringLiteral("portal");
    ack.check = QStringLiteral("ping");
    ack.who = QStringLiteral("carol");
    model.addLive(ack);
    QCOMPARE(model.rowCount(), portalRows + 1);
    QCOMPARE(model.index(0, HistoryModel::ColEvent).data().toString(), QStringLiteral("acknowledged by carol"));
}

void TestHistoryModel::csvExportContainsTheEvents()
{
    HistoryModel model(m_store.get());
    HistoryFilter f;
    f.fromMs = kBase;
    f.toMs = kBase + 20'000'000;
    QSignalSpy loaded(&model, &HistoryModel::loaded);
    model.setFilter(f);
    QVERIFY(loaded.wait(10000));
    const QString path = m_dir.filePath(QStringLiteral("export.csv"));
    std::optional<CsvExportResult> result;
    model.exportCsv(path, this, [&](const CsvExportResult& r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 20000);
    QVERIFY2(result->ok, qPrintable(result->error));
    QCOMPARE(result->rows, qint64(kEvents + 3));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray csv = file.readAll();
    const QList<QByteArray> lines = csv.split('\n');
    QCOMPARE(lines.size(), kEvents + 3 + 2); // header, rows, the empty tail after the last CRLF
    QCOMPARE(
        lines.first(), QByteArray("time,kind,service,check,item,from,to,severity,result,detail,impacted_by,who\r"));
    QVERIFY(lines.at(1).contains(",admin,trading-api,cache-clear,"));
    QVERIFY(csv.contains("\"HTTP 503, body \"\"not ready\"\"\"")); // quoted, quotes doubled
    QVERIFY(csv.contains(",'=cmd|' /C calc'!A0,")); // no formula reaches a spreadsheet
    QVERIFY(csv.contains(",ack,database,ready,,,,,,failing over,,alice"));
    QVERIFY(csv.contains(",event 0,"));
    // Newest first, as on screen.
    QVERIFY(csv.indexOf("event 2400,") < csv.indexOf("event 10,"));
}

void TestHistoryModel::unreadableStoreReportsFailure()
{
    HistoryOptions options;
    options.path = m_dir.filePath(QStringLiteral("never-opened.sqlite"));
    HistoryStore closed(options);
    HistoryModel model(&closed);
    QSignalSpy failed(&model, &HistoryModel::loadFailed);
    QSignalSpy loaded(&model, &HistoryModel::loaded);
    model.reload();
    QVERIFY(failed.wait(5000));
    QTRY_COMPARE(loaded.count(), 1); // it still settles, empty
    QCOMPARE(model.rowCount(), 0);
}

QTEST_GUILESS_MAIN(TestHistoryModel)
#include "tst_historymodel.moc"
