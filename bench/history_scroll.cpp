// A 1,000,000-event alert history: how long the table takes to open (count
// known, first rows painted) and to scroll to the end with the last rows
// painted (target: both together under 1 s); then random jumps and paging.
// The file is built once (not timed) and reused.
//
//   QT_QPA_PLATFORM=offscreen ./history_scroll [events=1000000] [file=/tmp/healthdeck-bench-history.sqlite]
#include "models/historymodel.h"
#include "store/historystore.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHeaderView>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QTableView>
#include <algorithm>
#include <cstdio>

using namespace hd;

namespace {

bool visibleRowsLoaded(const QTableView& view, const HistoryModel& model)
{
    const int top = view.rowAt(0);
    int bottom = view.rowAt(view.viewport()->height() - 1);
    if (top < 0)
        return false;
    if (bottom < 0)
        bottom = model.rowCount() - 1;
    for (int r = top; r <= bottom; ++r) {
        if (!model.isRowLoaded(r))
            return false;
    }
    return true;
}

// Waits until what the view shows is loaded, painting as a user would see it.
double settle(QTableView& view, const HistoryModel& model, QElapsedTimer& t)
{
    while (!visibleRowsLoaded(view, model)) {
        view.viewport()->repaint(); // asks the model for the visible rows
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    view.viewport()->repaint();
    return double(t.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    const int events = argc > 1 ? QByteArray(argv[1]).toInt() : 1'000'000;
    const QString path
        = argc > 2 ? QString::fromLocal8Bit(argv[2]) : QStringLiteral("/tmp/healthdeck-bench-history.sqlite");

    HistoryOptions options;
    options.path = path;
    options.retention = HistoryConfig { 0, 0, 0, 0 };
    HistoryStore store(options);
    if (!store.open())
        return 1;
    if (store.eventCount({}) < events) {
        std::printf("building %d events in %s (not timed)...\n", events, qPrintable(path));
        const QStringList services { QStringLiteral("database"), QStringLiteral("trading-api"),
            QStringLiteral("portal"), QStringLiteral("analytics"), QStringLiteral("ingestion") };
        const qint64 start = QDateTime::currentMSecsSinceEpoch() - qint64(events) * 2000;
        qint64 written = store.eventCount({});
        while (written < events) {
            QList<StateEvent> batch;
            for (int i = 0; i < 50'000 && written < events; ++i, ++written) {
                StateEvent e;
                e.timeMs = start + written * 2000;
                e.service = services.at(written % services.size());
                e.check = QStringLiteral("ready");
                e.from = written % 2 ? Status::Down : Status::Ok;
                e.to = written % 2 ? Status::Ok : Status::Down;
                e.detail = QStringLiteral("HTTP 503 from 127.0.0.1, event %1").arg(written);
                batch << e;
            }
            if (!store.writeEventsSync(batch).ok)
                return 1;
        }
    }
    std::printf("history: %lld events, %.0f MB\n", static_cast<long long>(store.eventCount({})),
        double(QFileInfo(path).size()) / 1e6);

    HistoryModel model(&store);
    QTableView view;
    view.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view.verticalHeader()->setDefaultSectionSize(22);
    view.verticalHeader()->hide();
    view.setModel(&model);
    view.resize(1400, 900);
    view.show();
    QCoreApplication::processEvents();

    QElapsedTimer t;
    t.start();
    bool loaded = false;
    QObject::connect(&model, &HistoryModel::loaded, [&] { loaded = true; });
    model.reload();
    while (!loaded)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    const double countMs = double(t.nsecsElapsed()) / 1e6;
    const double openMs = settle(view, model, t);
    QElapsedTimer s;
    s.start();
    view.scrollToBottom();
    const double endMs = settle(view, model, s);
    std::printf("open: count known after %.1f ms, first rows painted after %.1f ms\n", countMs, openMs);
    std::printf("scroll to the end (%d rows): last rows painted after %.1f ms\n", model.rowCount(), endMs);
    std::printf("open + scroll to the end: %.1f ms -> target under 1 s %s\n", openMs + endMs,
        openMs + endMs < 1000 ? "met" : "NOT met");

    // Dragging the scroll bar thumb to random places: each a fresh page by offset.
    QList<double> jumps;
    auto* rng = QRandomGenerator::global();
    for (int i = 0; i < 20; ++i) {
        QElapsedTimer j;
        j.start();
        view.verticalScrollBar()->setValue(int(rng->bounded(view.verticalScrollBar()->maximum())));
        jumps << settle(view, model, j);
    }
    std::sort(jumps.begin(), jumps.end());
    std::printf(
        "random jumps (scroll bar drag): median %.1f ms, worst %.1f ms\n", jumps.at(jumps.size() / 2), jumps.last());

    // Page Down from the top: each next page by keyset from the one above it.
    view.scrollToTop();
    settle(view, model, t);
    QList<double> pages;
    for (int i = 0; i < 50; ++i) {
        QElapsedTimer p;
        p.start();
        view.verticalScrollBar()->setValue(view.verticalScrollBar()->value() + view.verticalScrollBar()->pageStep());
        pages << settle(view, model, p);
    }
    std::sort(pages.begin(), pages.end());
    std::printf("page down x50: median %.1f ms, worst %.1f ms\n", pages.at(pages.size() / 2), pages.last());
    return 0;
}
