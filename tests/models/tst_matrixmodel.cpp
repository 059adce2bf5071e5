#include "models/matrixfilterproxy.h"
#include "models/matrixmodel.h"
#include "models/statusroles.h"
#include "monitor/dependencygraph.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <cmath>

using namespace hd;

namespace {

RowState makeRow(const QString& service, const QString& check, const QString& group, Status status,
    const QString& impactedBy = {}, const QString& item = {})
{
    RowState r;
    r.service = service;
    r.check = check;
    r.item = item;
    r.key = item.isEmpty() ? QString(service + u'/' + check) : QString(service + u'/' + check + u'/' + item);
    r.group = group;
    r.status = status;
    r.rawStatus = status;
    r.impactedBy = impactedBy;
    r.impacted = !impactedBy.isEmpty();
    // What the engine decides for a service of one counted row (MonitorEngine::recomputeImpact).
    r.rootCause = isDependencyFailure(status) && impactedBy.isEmpty();
    r.latencyMs = 12;
    r.lastResult = QDateTime::currentDateTimeUtc();
    r.since = r.lastResult;
    r.freshResult = true;
    r.detail = statusName(status);
    return r;
}

// web/portal -> core/trading-api -> persistence/database, and analytics beside them; the root is last in the config.
Config demoConfig()
{
    Config c;
    const auto service
        = [](const QString& name, const QString& group, const QStringList& deps, const QStringList& checks) {
              ServiceConfig s;
              s.name = name;
              s.group = group;
              s.dependsOn = deps;
              for (const QString& n : checks) {
                  CheckConfig cc;
                  cc.service = name;
                  cc.name = n;
                  s.checks << cc;
              }
              return s;
          };
    c.services << service(
        QStringLiteral("portal"), QStringLiteral("web"), { QStringLiteral("trading-api") }, { QStringLiteral("ping") })
               << service(QStringLiteral("trading-api"), QStringLiteral("core"), { QStringLiteral("database") },
                      { QStringLiteral("live"), QStringLiteral("ready") })
               << service(QStringLiteral("analytics"), QStringLiteral("core"), {}, { QStringLiteral("health") })
               << service(QStringLiteral("database"), QStringLiteral("persistence"), {}, { QStringLiteral("primary") });
    return c;
}

QList<RowState> calmRows()
{
    return { makeRow(QStringLiteral("portal"), QStringLiteral("ping"), QStringLiteral("web"), Status::Ok),
        makeRow(QStringLiteral("trading-api"), QStringLiteral("live"), QStringLiteral("core"), Status::Ok),
        makeRow(QStringLiteral("trading-api"), QStringLiteral("ready"), QStringLiteral("core"), Status::Ok),
        makeRow(QStringLiteral("analytics"), QStringLiteral("health"), QStringLiteral("core"), Status::Ok),
        makeRow(QStringLiteral("database"), QStringLiteral("primary"), QStringLiteral("persistence"), Status::Ok) };
}

QList<RowState> databaseOutage()
{
    return { makeRow(
                 QStringLiteral("database"), QStringLiteral("primary"), QStringLiteral("persistence"), Status::Down),
        makeRow(QStringLiteral("trading-api"), QStringLiteral("ready"), QStringLiteral("core"), Status::Down,
            QStringLiteral("database")),
        makeRow(QStringLiteral("trading-api"), QStringLiteral("live"), QStringLiteral("core"), Status::Ok,
            QStringLiteral("database")),
        makeRow(QStringLiteral("portal"), QStringLiteral("ping"), QStringLiteral("web"), Status::Down,
            QStringLiteral("database")) };
}

// The display order of the proxy, flattened: "group", "group/service", "service/check".
QStringList displayOrder(const QAbstractItemModel& model, const QModelIndex& parent = {})
{
    QStringList out;
    for (int r = 0; r < model.rowCount(parent); ++r) {
        const QModelIndex i = model.index(r, 0, parent);
        const auto kind = MatrixModel::NodeKind(i.data(NodeKindRole).toInt());
        out << (kind == MatrixModel::NodeKind::Check ? i.data(CheckKeyRole).toString() : i.data().toString());
        out += displayOrder(model, i);
    }
    return out;
}

QStringList visibleChecks(const QAbstractItemModel& model, const QModelIndex& parent = {})
{
    QStringList out;
    for (int r = 0; r < model.rowCount(parent); ++r) {
        const QModelIndex i = model.index(r, 0, parent);
        if (MatrixModel::NodeKind(i.data(NodeKindRole).toInt()) == MatrixModel::NodeKind::Check)
            out << i.data(CheckKeyRole).toString();
        out += visibleChecks(model, i);
    }
    out.sort();
    return out;
}

} // namespace

class TestMatrixModel : public QObject {
    Q_OBJECT

private slots:
    void firstBatchIsOneInsertion();
    void newRowsInsertOncePerParent();
    void changesCoalescePerParent();
    void removedKeysLeaveEmptySectionsBehindNot();
    void subChecksNestUnderTheirCheck();
    void rootCauseSortsFirstWhileFailing();
    void rootCauseComesFromTheEngine();
    void calmMatrixKeepsConfigOrder();
    void overlaysAndTooltip();
    void impactedOnlyOnFailingChecks();
    void healingOverlay();
    void summaryCountsAndWorst();
    void sparklineIsBounded();
    void filterProxy_data();
    void filterProxy();
    void sortRoleIsRaw();
};

void TestMatrixModel::firstBatchIsOneInsertion()
{
    MatrixModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setConfig(demoConfig());
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy summary(&model, &MatrixModel::summaryChanged);
    model.updateRows(calmRows());
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.first().at(0).value<QModelIndex>(), QModelIndex());
    QCOMPARE(model.rowCount(), 3); // web, core, persistence
    QCOMPARE(model.checkCount(), 5);
    QCOMPARE(summary.count(), 1);
    const QModelIndex ready = model.indexOfKey(QStringLiteral("trading-api/ready"));
    QVERIFY(ready.isValid());
    QCOMPARE(ready.parent(), model.indexOfService(QStringLiteral("trading-api")));
    QCOMPARE(ready.parent().parent().data().toString(), QStringLiteral("core"));
}

void TestMatrixModel::newRowsInsertOncePerParent()
{
    MatrixModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setConfig(demoConfig());
    model.updateRows(calmRows());
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    // A pattern check finds three keys at once, beside an ordinary update.
    QList<RowState> batch;
    for (const QString& key :
        { QStringLiteral("health:worker1"), QStringLiteral("health:worker2"), QStringLiteral("health:worker3") })
        batch << makeRow(
            QStringLiteral("trading-api"), QStringLiteral("heartbeat"), QStringLiteral("core"), Status::Ok, {}, key);
    batch << makeRow(QStringLiteral("portal"), QStringLiteral("ping"), QStringLiteral("web"), Status::Ok);
    model.updateRows(batch);
    QCOMPARE(inserted.count(), 1);
    const QList<QVariant> args = inserted.first();
    QCOMPARE(args.at(0).value<QModelIndex>(), model.indexOfService(QStringLiteral("trading-api")));
    QCOMPARE(args.at(2).toInt() - args.at(1).toInt() + 1, 3);
    QCOMPARE(model.checkCount(), 8);

    // A service in a new group arrives with its section in one insertion at the top level.
    inserted.clear();
    model.updateRows({ makeRow(QStringLiteral("ingestion"), QStringLiteral("heartbeat"), QStringLiteral("pipelines"),
                           Status::Ok),
        makeRow(QStringLiteral("ingestion"), QStringLiteral("tick-rate"), QStringLiteral("pipelines"), Status::Ok) });
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.first().at(0).value<QModelIndex>(), QModelIndex());
}

void TestMatrixModel::changesCoalescePerParent()
{
    MatrixModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QList<RowState> rows;
    for (int i = 0; i < 10; ++i)
        rows << makeRow(QStringLiteral("svc"), QStringLiteral("c%1").arg(i), QStringLiteral("g"), Status::Ok);
    model.updateRows(rows);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    for (RowState& r : rows)
        r.latencyMs = 99;
    model.updateRows(rows);
    const QModelIndex service = model.indexOfService(QStringLiteral("svc"));
    int underService = 0;
    for (const QList<QVariant>& args : std::as_const(changed)) {
        const auto topLeft = args.at(0).value<QModelIndex>();
        const auto bottomRight = args.at(1).value<QModelIndex>();
        if (topLeft.parent() != service)
            continue;
        ++underService;
        QCOMPARE(topLeft.row(), 0);
        QCOMPARE(bottomRight.row(), 9);
        // Latency alone leaves the name and status columns, which sort and filter, alone.
        QCOMPARE(topLeft.column(), int(MatrixModel::ColLatency));
        QCOMPARE(bottomRight.column(), MatrixModel::ColCount - 1);
    }
    QCOMPARE(underService, 1);
    QCOMPARE(model.index(3, MatrixModel::ColLatency, service).data(LatencyRole).toDouble(), 99.0);

    // A status change spans the whole row, so that a sorting proxy looks at it again.
    changed.clear();
    rows[4].status = rows[4].rawStatus = Status::Down;
    model.updateRows(rows);
    bool wholeRow = false;
    for (const QList<QVariant>& args : std::as_const(changed)) {
        const auto topLeft = args.at(0).value<QModelIndex>();
        const auto bottomRight = args.at(1).value<QModelIndex>();
        if (topLeft.parent() == service && topLeft.column() == MatrixModel::ColName)
            wholeRow
                = topLeft.row() <= 4 && bottomRight.row() >= 4 && bottomRight.column() == MatrixModel::ColCount - 1;
    }
    QVERIFY(wholeRow);
}

void TestMatrixModel::removedKeysLeaveEmptySectionsBehindNot()
{
    MatrixModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setConfig(demoConfig());
    model.updateRows(calmRows());
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.removeKeys({ QStringLiteral("trading-api/live") });
    QCOMPARE(removed.count(), 1);
    QCOMPARE(model.rowCount(model.indexOfService(QStringLiteral("trading-api"))), 1);
    // The last check of a service takes the service, and the last service its section.
    model.removeKeys({ QStringLiteral("database/primary") });
    QVERIFY(!model.indexOfService(QStringLiteral("database")).isValid());
    QCOMPARE(model.rowCount(), 2);
    QVERIFY(!model.rowState(QStringLiteral("database/primary")));
    // Unknown keys change nothing.
    removed.clear();
    model.removeKeys({ QStringLiteral("nope/nothing") });
    QCOMPARE(removed.count(), 0);
}

void TestMatrixModel::subChecksNestUnderTheirCheck()
{
    MatrixModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    RowState database = makeRow(QStringLiteral("trading-api"), QStringLiteral("ready"), QStringLiteral("core"),
        Status::Down, {}, QStringLiteral("database"));
    database.counts = false;
    // The engine's batch order is arbitrary: the sub-check may come before its check.
    model.updateRows({ database,
        makeRow(QStringLiteral("trading-api"), QStringLiteral("ready"), QStringLiteral("core"), Status::Down) });
    const QModelIndex ready = model.indexOfKey(QStringLiteral("trading-api/ready"));
    const QModelIndex sub = model.indexOfKey(QStringLiteral("trading-api/ready/database"));
    QCOMPARE(sub.parent(), ready);
    QCOMPARE(sub.data().toString(), QStringLiteral("database"));
    QVERIFY(model.flags(sub) & Qt::ItemNeverHasChildren);
    QCOMPARE(model.rowsOfCheck(QStringLiteral("trading-api"), QStringLiteral("ready")).size(), 2);
    QCOMPARE(model.summary().total, 1); // the sub-check does not count

    // The check and its sub-check going in one batch: nothing dangles.
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.updateRows(
        { makeRow(QStringLiteral("trading-api"), QStringLiteral("live"), QStringLiteral("core"), Status::Ok) });
    model.removeKeys({ QStringLiteral("trading-api/ready/database"), QStringLiteral("trading-api/ready") });
    QCOMPARE(removed.count(), 1);
    QVERIFY(!model.rowState(QStringLiteral("trading-api/ready/database")));
    QCOMPARE(model.checkCount(), 1);
}

void TestMatrixModel::rootCauseSortsFirstWhileFailing()
{
    MatrixModel model;
    MatrixFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(MatrixModel::ColName);
    model.setConfig(demoConfig());
    model.updateRows(calmRows());
    QCOMPARE(displayOrder(proxy).first(), QStringLiteral("web"));

    model.updateRows(databaseOutage());
    const QStringList order = displayOrder(proxy);
    QCOMPARE(order.at(0), QStringLiteral("persistence"));
    QCOMPARE(order.at(1), QStringLiteral("database"));
    QCOMPARE(order.at(2), QStringLiteral("database/primary"));
    // Impacted services come after the root cause but before the healthy ones.
    QVERIFY(order.indexOf(QStringLiteral("trading-api")) < order.indexOf(QStringLiteral("analytics")));
    QCOMPARE(model.indexOfService(QStringLiteral("database")).data(AttentionRole).toInt(), 0);
    QVERIFY(model.indexOfService(QStringLiteral("trading-api")).data(AttentionRole).toInt() > 0);
    QCOMPARE(model.summary().rootCauses, QStringList { QStringLiteral("database") });
    QCOMPARE(model.impactedServices(QStringLiteral("database")),
        (QStringList { QStringLiteral("portal"), QStringLiteral("trading-api") }));
    const QModelIndex database = model.indexOfService(QStringLiteral("database"));
    QVERIFY(database.data(OverlaysRole).toStringList().contains(QStringLiteral("root-cause")));
    QVERIFY(model.index(0, MatrixModel::ColDetail, database.parent())
                .data()
                .toString()
                .contains(QStringLiteral("takes down portal, trading-api")));

    // Recovery puts the config order back.
    model.updateRows(calmRows());
    QCOMPARE(displayOrder(proxy).first(), QStringLiteral("web"));
    QVERIFY(model.summary().rootCauses.isEmpty());
}

// The model shows the root causes the engine decided (RowState::rootCause); it does not work them out again.
void TestMatrixModel::rootCauseComesFromTheEngine()
{
    MatrixModel model;
    model.setConfig(demoConfig());
    model.updateRows(calmRows());
    RowState down
        = makeRow(QStringLiteral("database"), QStringLiteral("primary"), QStringLiteral("persistence"), Status::Down);
    down.rootCause = false; // the engine holds it back (say an inhibiting alert explains it)
    model.updateRows({ down });
    QVERIFY(model.summary().rootCauses.isEmpty());
    QVERIFY(!model.indexOfService(QStringLiteral("database")).data(RootCauseRole).toBool());
    down.rootCause = true;
    model.updateRows({ down });
    QCOMPARE(model.summary().rootCauses, QStringList { QStringLiteral("database") });
    QVERIFY(model.indexOfService(QStringLiteral("database")).data(RootCauseRole).toBool());
    QVERIFY(model.indexOfService(QStringLiteral("database"))
                .data(OverlaysRole)
                .toStringList()
                .contains(QStringLiteral("root-cause")));
}

void TestMatrixModel::calmMatrixKeepsConfigOrder()
{
    MatrixModel model;
    MatrixFilterProxy proxy;
    proxy.setSourceModel(&model);
    proxy.sort(MatrixModel::ColName);
    model.setConfig(demoConfig());
    // Rows arrive in any order (the engine batches by hash); a degraded check does not jump the queue.
    QList<RowState> rows = calmRows();
    std::reverse(rows.begin(), rows.end());
    rows[0].status = Status::Degraded;
    model.updateRows(rows);
    QCOMPARE(displayOrder(proxy),
        (QStringList { QStringLiteral("web"), QStringLiteral("portal"), QStringLiteral("portal/ping"),
            QStringLiteral("core"), QStringLiteral("trading-api"), QStringLiteral("trading-api/live"),
            QStringLiteral("trading-api/ready"), QStringLiteral("analytics"), QStringLiteral("analytics/health"),
            QStringLiteral("persistence"), QStringLiteral("database"), QStringLiteral("database/primary") }));
}

void TestMatrixModel::impactedOnlyOnFailingChecks()
{
    MatrixModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setConfig(demoConfig());
    model.updateRows(calmRows());
    model.updateRows(databaseOutage());
    const QModelIndex live = model.indexOfKey(QStringLiteral("trading-api/live"));
    QVERIFY(!live.data(OverlaysRole).toStringList().contains(QStringLiteral("impacted")));
    QVERIFY(!live.data(Qt::ToolTipRole).toString().contains(QStringLiteral("impacted")));
    QVERIFY(!model.index(live.row(), MatrixModel::ColDetail, live.parent()).data().toString().contains(u"impacted"));
    const QModelIndex ready = model.indexOfKey(QStringLiteral("trading-api/ready"));
    QVERIFY(ready.data(OverlaysRole).toStringList().contains(QStringLiteral("impacted")));
    QVERIFY(ready.data(AttentionRole).toInt() != live.data(AttentionRole).toInt());
    // Its service row still shows the impact.
    const QModelIndex service = model.indexOfService(QStringLiteral("trading-api"));
    QVERIFY(service.data(OverlaysRole).toStringList().contains(QStringLiteral("impacted")));
    QCOMPARE(service.data(ImpactedByRole).toString(), QStringLiteral("database"));
}

void TestMatrixModel::healingOverlay()
{
    MatrixModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setConfig(demoConfig());
    model.updateRows(databaseOutage());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setHealing({ QStringLiteral("database/primary") });
    QCOMPARE(changed.size(), 1);
    const QModelIndex primary = model.indexOfKey(QStringLiteral("database/primary"));
    QVERIFY(primary.data(OverlaysRole).toStringList().contains(QStringLiteral("healing")));
    QVERIFY(primary.data(Qt::ToolTipRole).toString().contains(QStringLiteral("healing")));
    model.setHealing({ QStringLiteral("database/primary") });
    QCOMPARE(changed.size(), 1); // nothing changed, nothing said
    model.setHealing({});
    QCOMPARE(changed.size(), 2);
    QVERIFY(!primary.data(OverlaysRole).toStringList().contains(QStringLiteral("healing")));
}

void TestMatrixModel::overlaysAndTooltip()
{
    MatrixModel model;
    model.setConfig(demoConfig());
    model.updateRows(calmRows());
    QList<RowState> rows = databaseOutage();
    rows[1].acknowledged = true;
    rows[1].pending = true;
    rows[0].silenced = true;
    rows[0].silenceReason = QStringLiteral("maintenance until 10:00");
    model.updateRows(rows);
    const QModelIndex ready = model.indexOfKey(QStringLiteral("trading-api/ready"));
    const QStringList overlays = ready.data(OverlaysRole).toStringList();
    QVERIFY(overlays.contains(QStringLiteral("impacted")));
    QVERIFY(overlays.contains(QStringLiteral("acknowledged")));
    QVERIFY(overlays.contains(QStringLiteral("pending")));
    QVERIFY(ready.data(Qt::ToolTipRole).toString().contains(QStringLiteral("impacted by database")));
    QCOMPARE(ready.data(ImpactedByRole).toString(), QStringLiteral("database"));
    const QModelIndex primary = model.indexOfKey(QStringLiteral("database/primary"));
    QVERIFY(primary.data(OverlaysRole).toStringList().contains(QStringLiteral("silenced")));
    QVERIFY(primary.data(Qt::ToolTipRole).toString().contains(QStringLiteral("maintenance until 10:00")));
    QCOMPARE(
        model.index(primary.row(), MatrixModel::ColStatus, primary.parent()).data().toString(), QStringLiteral("down"));
}

void TestMatrixModel::summaryCountsAndWorst()
{
    MatrixModel model;
    model.setConfig(demoConfig());
    QList<RowState> rows = calmRows();
    rows[0].status = Status::Stale;
    rows[0].rootCause = true; // as the engine marks a stale service nothing explains
    rows[1].offHours = true;
    rows << makeRow(QStringLiteral("trading-api"), QStringLiteral("ready"), QStringLiteral("core"), Status::Down, {},
        QStringLiteral("database"));
    rows.last().counts = false; // a sub-check does not count
    rows.last().rootCause = false; // and its service's counted rows are fine: the engine says no root cause
    model.updateRows(rows);
    const MatrixModel::Summary& s = model.summary();
    QCOMPARE(s.total, 4);
    QCOMPARE(s.offHours, 1);
    QCOMPARE(s.count(Status::Ok), 3);
    QCOMPARE(s.count(Status::Stale), 1);
    QCOMPARE(s.count(Status::Down), 0);
    QCOMPARE(s.worst, Status::Stale);
    QCOMPARE(s.rootCauses, QStringList { QStringLiteral("portal") });
    QVERIFY(s.lastPoll.isValid());
}

void TestMatrixModel::sparklineIsBounded()
{
    MatrixModel model;
    model.setSparklineCapacity(20);
    RowState r = makeRow(QStringLiteral("s"), QStringLiteral("c"), QStringLiteral("g"), Status::Ok);
    const QDateTime start = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < 50; ++i) {
        r.lastResult = start.addSecs(i);
        r.latencyMs = i;
        r.rawStatus = i == 49 ? Status::Down : Status::Ok;
        model.updateRows({ r });
    }
    const auto points
        = model.indexOfKey(QStringLiteral("s/c"), MatrixModel::ColTrend).data(SparklineRole).value<QList<QPointF>>();
    QCOMPARE(points.size(), 20);
    QCOMPARE(points.first().y(), 30.0);
    QVERIFY(std::isnan(points.last().y())); // the failed result
    QCOMPARE(points.first().x(), double(start.addSecs(30).toMSecsSinceEpoch()));
    // A batch without a fresh result (an overlay changed) adds no sample.
    r.freshResult = false;
    model.updateRows({ r });
    QCOMPARE(model.indexOfKey(QStringLiteral("s/c")).data(SparklineRole).value<QList<QPointF>>().size(), 20);
}

void TestMatrixModel::filterProxy_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("visible");
    QTest::newRow("empty shows all") << QString()
                                     << QStringList { QStringLiteral("analytics/health"),
                                            QStringLiteral("database/primary"), QStringLiteral("portal/ping"),
                                            QStringLiteral("trading-api/live"), QStringLiteral("trading-api/ready") };
    QTest::newRow("service name keeps all its checks") << QStringLiteral(
        "TRADING") << QStringList { QStringLiteral("trading-api/live"), QStringLiteral("trading-api/ready") };
    QTest::newRow("tag") << QStringLiteral("liveness") << QStringList { QStringLiteral("trading-api/live") };
    QTest::newRow("status") << QStringLiteral("down")
                            << QStringList { QStringLiteral("database/primary"), QStringLiteral("portal/ping"),
                                   QStringLiteral("trading-api/ready") };
    // An ok check of an impacted service is plain ok: only failing rows carry the overlay.
    QTest::newRow("overlay") << QStringLiteral("impacted")
                             << QStringList { QStringLiteral("portal/ping"), QStringLiteral("trading-api/ready") };
    QTest::newRow("every word must match")
        << QStringLiteral("trading down") << QStringList { QStringLiteral("trading-api/ready") };
    QTest::newRow("group name keeps its section")
        << QStringLiteral("persist") << QStringList { QStringLiteral("database/primary") };
    QTest::newRow("nothing") << QStringLiteral("no-such-thing") << QStringList();
}

void TestMatrixModel::filterProxy()
{
    QFETCH(QString, text);
    QFETCH(QStringList, visible);
    MatrixModel model;
    MatrixFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setConfig(demoConfig());
    model.updateRows(calmRows());
    QList<RowState> rows = databaseOutage();
    rows[2].tags = { QStringLiteral("liveness") };
    model.updateRows(rows);
    proxy.setFilterText(text);
    QCOMPARE(visibleChecks(proxy), visible);
}

void TestMatrixModel::sortRoleIsRaw()
{
    MatrixModel model;
    MatrixFilterProxy proxy;
    proxy.setSourceModel(&model);
    QList<RowState> rows;
    for (double latency : { 900.0, 5.0, 80.0 }) {
        rows << makeRow(QStringLiteral("s"), QStringLiteral("c%1").arg(latency), QStringLiteral("g"), Status::Ok);
        rows.last().latencyMs = latency;
    }
    model.updateRows(rows);
    proxy.sort(MatrixModel::ColLatency);
    const QModelIndex service = proxy.index(0, 0, proxy.index(0, 0));
    QList<double> order;
    for (int r = 0; r < proxy.rowCount(service); ++r)
        order << proxy.index(r, MatrixModel::ColLatency, service).data(LatencyRole).toDouble();
    QCOMPARE(order, (QList<double> { 5.0, 80.0, 900.0 })); // "900 ms" < "80 ms" as text
}

QTEST_GUILESS_MAIN(TestMatrixModel)
#include "tst_matrixmodel.moc"
