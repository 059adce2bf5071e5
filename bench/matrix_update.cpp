// 5,000 checks updating at 1 Hz in the status matrix: how busy the UI thread is
// and how long the longest frame takes (target: no frame over 50 ms).
//
// One cycle is what the UI thread does when MonitorEngine::rowsUpdated arrives:
// MatrixModel::updateRows (one batch), the proxy re-sorting and re-filtering the
// changed rows, and the visible part of the tree repainting. The probes run on
// the engine's thread and are not measured here.
//
//   QT_QPA_PLATFORM=offscreen ./matrix_update [checks=5000] [seconds=30]
#include "models/matrixfilterproxy.h"
#include "models/matrixmodel.h"
#include "ui/matrixdelegate.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QRandomGenerator>
#include <QTimer>
#include <QTreeView>
#include <algorithm>
#include <cstdio>

using namespace hd;

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    const int checks = argc > 1 ? QByteArray(argv[1]).toInt() : 5000;
    const int seconds = argc > 2 ? QByteArray(argv[2]).toInt() : 30;
    constexpr int kChecksPerService = 10, kServicesPerGroup = 10;

    QList<RowState> rows;
    for (int i = 0; i < checks; ++i) {
        RowState r;
        const int service = i / kChecksPerService;
        r.service = QStringLiteral("service-%1").arg(service, 4, 10, QLatin1Char('0'));
        r.group = QStringLiteral("group-%1").arg(service / kServicesPerGroup, 3, 10, QLatin1Char('0'));
        r.check = QStringLiteral("check-%1").arg(i % kChecksPerService);
        r.key = r.service + u'/' + r.check;
        r.tags = { QStringLiteral("liveness") };
        r.status = r.rawStatus = Status::Ok;
        r.detail = QStringLiteral("HTTP 200");
        rows << r;
    }

    MatrixModel model;
    MatrixFilterProxy proxy;
    proxy.setSourceModel(&model);
    QTreeView view;
    view.setModel(&proxy);
    view.setItemDelegate(new MatrixDelegate(&view));
    view.setUniformRowHeights(true);
    view.setSortingEnabled(true);
    view.sortByColumn(MatrixModel::ColName, Qt::AscendingOrder);
    view.header()->resizeSection(MatrixModel::ColName, 240);
    view.header()->resizeSection(MatrixModel::ColStatus, 165);
    view.resize(1500, 900);
    view.show();

    auto* rng = QRandomGenerator::global();
    QList<double> frames;
    double busyMs = 0;
    QElapsedTimer wall;
    int cycle = 0;
    qint64 worstGapMs = 0;
    QElapsedTimer heartbeat;
    QTimer beat; // the event loop's own view of a frame: how late a 10 ms timer fires
    beat.setInterval(10);
    QObject::connect(&beat, &QTimer::timeout, [&] {
        if (heartbeat.isValid())
            worstGapMs = std::max(worstGapMs, heartbeat.elapsed() - 10);
        heartbeat.restart();
    });

    QTimer tick;
    tick.setInterval(1000);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (RowState& r : rows) {
            r.latencyMs = 5 + rng->bounded(40.0);
            r.lastResult = now;
            r.freshResult = true;
            // About 1 % of the checks change state each second, some as a root cause with dependants.
            if (rng->bounded(100) == 0) {
                r.status = r.rawStatus = r.status == Status::Ok ? Status::Down : Status::Ok;
                r.since = now;
            }
        }
        if (cycle == 1)
            worstGapMs = 0; // the first expandAll() lays out and paints every row once: start-up, not a frame
        QElapsedTimer t;
        t.start();
        model.updateRows(rows);
        view.viewport()->repaint(); // the paint the event loop would do next, timed here
        const double ms = double(t.nsecsElapsed()) / 1e6;
        busyMs += ms;
        if (cycle > 0) // the first cycle builds the tree
            frames << ms;
        else
            std::printf("first batch (insert %d rows, expand, paint): %.1f ms\n", checks, ms);
        if (cycle == 0) {
            view.expandAll();
            wall.start();
            busyMs = 0;
        }
        if (++cycle > seconds)
            app.quit();
    });
    tick.start();
    beat.start();
    app.exec();

    std::sort(frames.begin(), frames.end());
    const double total = double(wall.elapsed());
    const auto pct = [&](double p) {
        return frames.at(std::min<qsizetype>(frames.size() - 1, qsizetype(p * double(frames.size()))));
    };
    std::printf("checks: %d, cycles: %lld at 1 Hz\n", checks, static_cast<long long>(frames.size()));
    std::printf("UI thread busy: %.1f %% of wall time\n", 100.0 * busyMs / total);
    std::printf("frame (updateRows + repaint): median %.1f ms, p95 %.1f ms, worst %.1f ms\n", pct(0.5), pct(0.95),
        frames.last());
    std::printf("worst event-loop stall seen by a 10 ms timer: %lld ms\n", static_cast<long long>(worstGapMs));
    std::printf("target: no frame over 50 ms -> %s\n", frames.last() <= 50 ? "met" : "NOT met");
    return 0;
}
