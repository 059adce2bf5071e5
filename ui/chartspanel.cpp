#include "chartspanel.h"

#include "models/plotmath.h"
#include "statuspalette.h"
#include "store/historystore.h"

#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMap>
#include <QPushButton>
#include <QSet>
#include <QVBoxLayout>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QDateTimeAxis>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>

namespace hd {

namespace {

constexpr qint64 kMinute = 60'000;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kSuccessBucketMs = 10 * kMinute;
constexpr qint64 kFailureBucketMs = 5 * kMinute;
constexpr int kRefreshMs = 15'000;

double maxY(const QList<QPointF>& points)
{
    double m = 0;
    for (const QPointF& p : points)
        m = qMax(m, p.y());
    return m;
}

// A line that steps: each value holds until the next bucket starts.
QList<QPointF> steps(const QList<QPointF>& points, qint64 bucketMs)
{
    QList<QPointF> out;
    out.reserve(points.size() * 2);
    for (const QPointF& p : points) {
        out << p << QPointF(p.x() + double(bucketMs), p.y());
    }
    return out;
}

} // namespace

ChartsPanel::ChartsPanel(HistoryStore* store, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_check(new QComboBox(this))
    , m_rangeBox(new QComboBox(this))
    , m_note(new QLabel(this))
{
    setObjectName(QStringLiteral("chartsPanel"));
    m_check->setObjectName(QStringLiteral("chartCheck"));
    m_rangeBox->setObjectName(QStringLiteral("chartRange"));
    m_note->setObjectName(QStringLiteral("chartNote"));
    m_check->setMinimumContentsLength(28);
    m_check->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_rangeBox->addItem(tr("Last 15 minutes"), int(Range::Minutes15));
    m_rangeBox->addItem(tr("Last hour"), int(Range::Hour1));
    m_rangeBox->addItem(tr("Last 24 hours"), int(Range::Hours24));
    m_rangeBox->addItem(tr("Last 7 days"), int(Range::Days7));
    m_rangeBox->setCurrentIndex(1);
    auto* refreshButton = new QPushButton(tr("Refresh"), this);
    refreshButton->setObjectName(QStringLiteral("chartRefresh"));

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Check:"), this));
    top->addWidget(m_check);
    top->addWidget(m_rangeBox);
    top->addWidget(refreshButton);
    top->addWidget(m_note, 1);

    m_latency = makePlot(QStringLiteral("latencyChart"), tr("Latency"), tr("ms"));
    m_success = makePlot(QStringLiteral("successChart"), tr("Success rate, last 24 h"), tr("%"));
    m_failures = makePlot(QStringLiteral("failuresChart"), tr("Checks failing, last 6 h"), tr("checks"));
    m_raw = addLine(m_latency, tr("each result"), QColor(0x9a, 0xa4, 0xb1), 1);
    m_p50 = addLine(m_latency, tr("p50"), QColor(0x2f, 0x6f, 0xb3));
    m_p95 = addLine(m_latency, tr("p95"), QColor(0xe0, 0x7b, 0x1b));
    m_successLine = addLine(m_success, tr("success %"), statusColor(Status::Ok));
    m_successLine->setPointsVisible(true); // a young history is a few buckets: keep them visible
    m_failedLine = addLine(m_failures, tr("failing checks"), statusColor(Status::Down));
    m_success.y->setRange(0, 100);

    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_success.view);
    bottom->addWidget(m_failures.view);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_latency.view, 3);
    layout->addLayout(bottom, 2);

    connect(m_check, &QComboBox::currentIndexChanged, this, &ChartsPanel::refresh);
    connect(m_rangeBox, &QComboBox::currentIndexChanged, this, [this] {
        m_range = Range(m_rangeBox->currentData().toInt());
        refresh();
    });
    connect(m_rangeBox, &QComboBox::activated, this, [this] { m_autoRange = false; });
    connect(refreshButton, &QPushButton::clicked, this, &ChartsPanel::refresh);
    connect(m_store, &HistoryStore::rollupsReady, this, &ChartsPanel::onRollups);
    connect(m_store, &HistoryStore::samplesReady, this, &ChartsPanel::onSamples);
    connect(m_store, &HistoryStore::queryFailed, this, [this](quint64 id, const QString& error) {
        if (id == m_latencyRequest || id == m_samplesRequest || id == m_successRequest || id == m_failuresRequest) {
            m_note->setText(tr("History unavailable: %1").arg(error));
            finishOne();
        }
    });
    m_timer.setInterval(kRefreshMs);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (isVisible())
            refresh();
    });
    m_timer.start();
    applyTheme();
}

ChartsPanel::Plot ChartsPanel::makePlot(const QString& objectName, const QString& title, const QString& yTitle)
{
    Plot p;
    p.chart = new QChart;
    p.chart->setTitle(title);
    p.chart->legend()->setAlignment(Qt::AlignTop);
    p.chart->setMargins(QMargins(4, 4, 4, 4));
    p.x = new QDateTimeAxis;
    p.x->setFormat(QStringLiteral("HH:mm"));
    p.x->setTickCount(7);
    p.y = new QValueAxis;
    p.y->setTitleText(yTitle);
    p.y->setLabelFormat(QStringLiteral("%.0f"));
    p.chart->addAxis(p.x, Qt::AlignBottom);
    p.chart->addAxis(p.y, Qt::AlignLeft);
    p.view = new QChartView(p.chart, this);
    p.view->setObjectName(objectName);
    p.view->setRenderHint(QPainter::Antialiasing);
    p.view->setMinimumHeight(160);
    return p;
}

QLineSeries* ChartsPanel::addLine(Plot& plot, const QString& name, const QColor& color, qreal width)
{
    auto* series = new QLineSeries;
    series->setName(name);
    series->setPen(QPen(color, width));
    plot.chart->addSeries(series);
    series->attachAxis(plot.x);
    series->attachAxis(plot.y);
    return series;
}

void ChartsPanel::setChecks(const QStringList& keys)
{
    const QString current = currentCheck();
    QStringList sorted = keys;
    sorted.sort();
    QStringList existing;
    for (int i = 0; i < m_check->count(); ++i)
        existing << m_check->itemText(i);
    if (existing == sorted)
        return;
    const QSignalBlocker block(m_check);
    m_check->clear();
    m_check->addItems(sorted);
    const int at = m_check->findText(current);
    m_check->setCurrentIndex(at >= 0 ? at : 0);
    if (at < 0)
        refresh();
}

void ChartsPanel::setCurrentCheck(const QString& key)
{
    const int at = m_check->findText(key);
    if (at >= 0 && at != m_check->currentIndex())
        m_check->setCurrentIndex(at); // refreshes
}

QString ChartsPanel::currentCheck() const
{
    return m_check->currentText();
}

QString ChartsPanel::successSummary() const
{
    return m_success.chart->title();
}

void ChartsPanel::setRange(Range range)
{
    m_autoRange = false;
    m_rangeBox->setCurrentIndex(m_rangeBox->findData(int(range)));
}

qint64 ChartsPanel::rangeMs(Range range)
{
    switch (range) {
    case Range::Minutes15:
        return 15 * kMinute;
    case Range::Hour1:
        return kHour;
    case Range::Hours24:
        return 24 * kHour;
    case Range::Days7:
        return 7 * 24 * kHour;
    }
    return kHour;
}

void ChartsPanel::feed(QXYSeries* series, const QList<QPointF>& points, int pixelWidth)
{
    series->replace(downsampleMinMax(points, qMax(1, pixelWidth)));
}

int ChartsPanel::plotWidth(const Plot& plot) const
{
    const int w = int(plot.chart->plotArea().width());
    return w > 10 ? w : qMax(200, plot.view->width() - 80);
}

void ChartsPanel::refresh()
{
    const QString key = currentCheck();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_requestedAt = now;
    const qint64 span = rangeMs(m_range);
    m_latency.chart->setTitle(key.isEmpty() ? tr("Latency") : tr("Latency of %1").arg(key));
    m_latency.x->setFormat(m_range == Range::Days7 ? QStringLiteral("ddd HH:mm") : QStringLiteral("HH:mm"));
    m_latency.x->setRange(QDateTime::fromMSecsSinceEpoch(now - span), QDateTime::fromMSecsSinceEpoch(now));
    m_success.x->setRange(QDateTime::fromMSecsSinceEpoch(now - 24 * kHour), QDateTime::fromMSecsSinceEpoch(now));
    m_failures.x->setRange(QDateTime::fromMSecsSinceEpoch(now - 6 * kHour), QDateTime::fromMSecsSinceEpoch(now));
    m_outstanding = 0;
    m_latencyRequest = m_samplesRequest = m_successRequest = 0;
    if (!key.isEmpty()) {
        RollupQuery latency;
        latency.granularity = m_range == Range::Days7 ? RollupGranularity::Hour : RollupGranularity::Minute;
        latency.checkKeys = { key };
        latency.fromMs = now - span;
        m_latencyRequest = m_store->requestRollups(latency);
        ++m_outstanding;
        if (m_range == Range::Minutes15 || m_range == Range::Hour1) {
            SampleQuery samples;
            samples.checkKey = key;
            // While the range fits the data, an hour of samples tells how old the check's history is.
            samples.fromMs = now - (m_autoRange ? rangeMs(Range::Hour1) : span);
            m_samplesRequest = m_store->requestSamples(samples);
            ++m_outstanding;
        } else {
            m_raw->clear();
            m_recent.clear();
        }
        RollupQuery success;
        success.checkKeys = { key };
        success.fromMs = now - 24 * kHour;
        m_successRequest = m_store->requestRollups(success);
        ++m_outstanding;
    }
    RollupQuery failures;
    failures.fromMs = now - 6 * kHour;
    m_failuresRequest = m_store->requestRollups(failures);
    ++m_outstanding;
}

void ChartsPanel::onSamples(quint64 id, const QList<Sample>& samples)
{
    if (id != m_samplesRequest)
        return;
    m_recent = samples;
    if (m_autoRange) {
        const qint64 now = m_requestedAt;
        const qint64 oldest = samples.isEmpty() ? now : samples.constFirst().timeMs;
        const Range fit = now - oldest < rangeMs(Range::Minutes15) ? Range::Minutes15 : Range::Hour1;
        if (fit != m_range) {
            m_range = fit;
            const QSignalBlocker block(m_rangeBox);
            m_rangeBox->setCurrentIndex(m_rangeBox->findData(int(fit)));
        }
        m_latency.x->setRange(
            QDateTime::fromMSecsSinceEpoch(now - rangeMs(m_range)), QDateTime::fromMSecsSinceEpoch(now));
    }
    QList<QPointF> points;
    points.reserve(samples.size());
    // Failed results keep their latency: a check that fails by being slow is the point of this chart.
    for (const Sample& s : samples)
        points << QPointF(double(s.timeMs), s.latencyMs);
    feed(m_raw, points, plotWidth(m_latency));
    m_latency.y->setRange(0, qMax(m_latency.y->max(), maxY(points) * 1.1));
    m_latency.y->applyNiceNumbers();
    finishOne();
}

void ChartsPanel::onRollups(quint64 id, const QList<Rollup>& rollups)
{
    if (id == m_latencyRequest) {
        QList<QPointF> p50, p95;
        p50.reserve(rollups.size());
        p95.reserve(rollups.size());
        const qint64 bucket = m_range == Range::Days7 ? kHour : kMinute;
        for (const Rollup& r : rollups) {
            p50 << QPointF(double(r.bucketMs), r.p50Ms);
            p95 << QPointF(double(r.bucketMs), r.p95Ms);
        }
        // A percentile holds for its whole bucket: steps, not slopes between bucket centres.
        const int width = plotWidth(m_latency);
        feed(m_p50, steps(p50, bucket), width);
        feed(m_p95, steps(p95, bucket), width);
        m_latency.y->setRange(0, qMax(10.0, qMax(maxY(p95), maxY(m_raw->points())) * 1.1));
        m_latency.y->applyNiceNumbers();
        m_note->setText(rollups.isEmpty() ? tr("No history for this range yet: charts fill in as results are recorded.")
                                          : QString());
        finishOne();
    } else if (id == m_successRequest) {
        QMap<qint64, QPair<int, int>> buckets; // start -> (count, failures)
        qint64 rolledUpTo = 0; // minute rollups exist only for minutes that are over
        for (const Rollup& r : rollups) {
            auto& b = buckets[r.bucketMs - r.bucketMs % kSuccessBucketMs];
            b.first += r.count;
            b.second += r.failures;
            rolledUpTo = qMax(rolledUpTo, r.bucketMs + kMinute);
        }
        // The minutes not rolled up yet come from the raw samples: the newest bucket shows while it fills.
        for (const Sample& smp : std::as_const(m_recent)) {
            if (smp.timeMs < rolledUpTo || smp.checkKey != currentCheck())
                continue;
            auto& b = buckets[smp.timeMs - smp.timeMs % kSuccessBucketMs];
            b.first += 1;
            b.second += countsAsFailure(smp.status) ? 1 : 0;
        }
        QList<QPointF> points;
        int total = 0, failed = 0;
        for (auto it = buckets.cbegin(); it != buckets.cend(); ++it) {
            if (it->first > 0)
                points << QPointF(double(it.key()), 100.0 * (it->first - it->second) / it->first);
            total += it->first;
            failed += it->second;
        }
        QList<QPointF> stepped = steps(points, kSuccessBucketMs);
        if (!stepped.isEmpty() && stepped.last().x() > double(m_requestedAt))
            stepped.last().setX(double(m_requestedAt)); // a partial bucket ends now
        m_successLine->replace(stepped);
        m_success.chart->setTitle(total
                ? tr("Success rate, last 24 h: %1 %").arg(100.0 * (total - failed) / total, 0, 'f', 2)
                : tr("Success rate, last 24 h"));
        finishOne();
    } else if (id == m_failuresRequest) {
        QMap<qint64, QSet<QString>> buckets;
        QHash<QString, int> perCheck;
        for (const Rollup& r : rollups) {
            if (r.failures <= 0)
                continue;
            buckets[r.bucketMs - r.bucketMs % kFailureBucketMs].insert(r.checkKey);
            perCheck[r.checkKey] += r.failures;
        }
        m_failurePoints.clear();
        const qint64 now = m_requestedAt;
        for (qint64 t = now - 6 * kHour - (now % kFailureBucketMs); t <= now; t += kFailureBucketMs)
            m_failurePoints << QPointF(double(t), double(buckets.value(t).size()));
        QStringList worstChecks = perCheck.keys();
        std::sort(worstChecks.begin(), worstChecks.end(),
            [&](const QString& a, const QString& b) { return perCheck.value(a) > perCheck.value(b); });
        m_worstChecks = worstChecks.mid(0, 3);
        drawFailures();
        finishOne();
    }
}

void ChartsPanel::setFailingNow(int checks)
{
    if (checks == m_failingNow)
        return;
    m_failingNow = checks;
    drawFailures();
}

void ChartsPanel::drawFailures()
{
    // The rollups only cover finished minutes: what fails now comes from the matrix.
    if (!m_worstChecks.isEmpty())
        m_failures.chart->setTitle(tr("Checks failing, last 6 h: %1").arg(m_worstChecks.join(QStringLiteral(", "))));
    else if (m_failingNow > 0)
        m_failures.chart->setTitle(tr("Checks failing, last 6 h: %n now", nullptr, m_failingNow));
    else
        m_failures.chart->setTitle(tr("Checks failing, last 6 h: none"));
    if (m_failurePoints.isEmpty())
        return;
    QList<QPointF> points = m_failurePoints;
    points.last().setY(qMax(points.last().y(), double(m_failingNow)));
    m_failedLine->replace(steps(points, kFailureBucketMs));
    m_failures.y->setRange(0, qMax(3.0, maxY(points) + 1));
    m_failures.y->applyNiceNumbers();
}

void ChartsPanel::finishOne()
{
    if (m_outstanding > 0 && --m_outstanding == 0)
        Q_EMIT refreshed();
}

void ChartsPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    refresh();
}

void ChartsPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyTheme();
}

void ChartsPanel::applyTheme()
{
    const QChart::ChartTheme theme = isDark(palette()) ? QChart::ChartThemeDark : QChart::ChartThemeLight;
    for (Plot* p : { &m_latency, &m_success, &m_failures }) {
        if (p->chart->theme() == theme)
            continue;
        // A theme resets series pens; keep ours.
        QList<QPen> pens;
        const auto series = p->chart->series();
        for (QAbstractSeries* s : series)
            pens << static_cast<QXYSeries*>(s)->pen();
        p->chart->setTheme(theme);
        for (qsizetype i = 0; i < series.size(); ++i)
            static_cast<QXYSeries*>(series.at(i))->setPen(pens.at(i));
    }
}

} // namespace hd
