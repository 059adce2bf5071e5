// A latency chart of 86,400 samples (24 h at one per second): how long from the
// raw points to a drawn chart (target: under 100 ms). The points go through the
// min/max downsampler to the plot's pixel width and into the series with one
// replace(), as ChartsPanel does; for comparison the same chart fed raw.
//
//   QT_QPA_PLATFORM=offscreen ./chart_draw [samples=86400]
#include "models/plotmath.h"
#include "ui/chartspanel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QDateTimeAxis>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace hd;

namespace {

struct Chart {
    QChart* chart = new QChart;
    QChartView* view = nullptr;
    QLineSeries* series = new QLineSeries;
    QDateTimeAxis* x = new QDateTimeAxis;
    QValueAxis* y = new QValueAxis;
    Chart()
    {
        chart->addSeries(series);
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        series->attachAxis(x);
        series->attachAxis(y);
        view = new QChartView(chart);
        view->setRenderHint(QPainter::Antialiasing);
        view->resize(1200, 400);
        view->show();
    }
    ~Chart() { delete view; }
};

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    const int n = argc > 1 ? QByteArray(argv[1]).toInt() : 86400;
    const qint64 start = QDateTime::currentMSecsSinceEpoch() - qint64(n) * 1000;
    QList<QPointF> points;
    points.reserve(n);
    auto* rng = QRandomGenerator::global();
    for (int i = 0; i < n; ++i) {
        double v = 20 + 5 * std::sin(i / 600.0) + rng->bounded(4.0);
        if (rng->bounded(5000) == 0)
            v += 800; // rare spikes that must stay visible
        points << QPointF(double(start + qint64(i) * 1000), v);
    }

    const auto run = [&](bool downsample, int rounds) {
        double best = 1e9, worst = 0, sum = 0;
        qsizetype fed = 0;
        for (int r = 0; r < rounds; ++r) {
            Chart c;
            c.x->setRange(
                QDateTime::fromMSecsSinceEpoch(start), QDateTime::fromMSecsSinceEpoch(start + qint64(n) * 1000));
            c.y->setRange(0, 900);
            QCoreApplication::processEvents();
            QElapsedTimer t;
            t.start();
            if (downsample)
                ChartsPanel::feed(c.series, points, int(c.chart->plotArea().width()));
            else
                c.series->replace(points);
            fed = c.series->count();
            const QPixmap shot = c.view->grab(); // forces the full paint
            const double ms = double(t.nsecsElapsed()) / 1e6;
            Q_UNUSED(shot)
            best = std::min(best, ms);
            worst = std::max(worst, ms);
            sum += ms;
        }
        std::printf("%-28s points in series %6lld: best %.1f ms, mean %.1f ms, worst %.1f ms\n",
            downsample ? "downsampled (min/max):" : "raw, no downsampling:", static_cast<long long>(fed), best,
            sum / rounds, worst);
        return worst;
    };
    QElapsedTimer t;
    t.start();
    const QList<QPointF> reduced = downsampleMinMax(points, 1100);
    std::printf("downsampleMinMax(%d -> %lld points): %.2f ms\n", n, static_cast<long long>(reduced.size()),
        double(t.nsecsElapsed()) / 1e6);
    const double worst = run(true, 10);
    run(false, 3);
    std::printf("target: under 100 ms -> %s\n", worst < 100 ? "met" : "NOT met");
    return 0;
}
