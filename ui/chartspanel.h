#pragma once

#include "store/historytypes.h"

#include <QPointF>
#include <QTimer>
#include <QWidget>

class QChart;
class QChartView;
class QComboBox;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QValueAxis;
class QXYSeries;

namespace hd {

class HistoryStore;

// The panels an operator would otherwise build in Grafana, from the history
// rollups: latency of one check with p50 and p95 over 15 min / 1 h / 24 h / 7 d,
// its success rate over 24 h, and how many checks failed over the last 6 h.
// Every series is reduced to the plot's pixel width before it is handed to Qt
// Charts, with one replace() per update. Qt Charts stays inside this class.
class ChartsPanel final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChartsPanel)
public:
    enum class Range { Minutes15, Hour1, Hours24, Days7 };
    Q_ENUM(Range)

    explicit ChartsPanel(HistoryStore* store, QWidget* parent = nullptr);

    void setChecks(const QStringList& keys);
    void setCurrentCheck(const QString& key);
    QString currentCheck() const;
    // A range set here (or chosen in the box) stays; until then the range fits the data: 15 minutes while the
    // check's history is younger than that, else the last hour.
    void setRange(Range range);
    Range range() const { return m_range; }
    bool rangeFitsData() const { return m_autoRange; }
    // The success-rate chart's headline: "Success rate, last 24 h: 99.50 %" once it has results.
    QString successSummary() const;
    void refresh();
    // Checks failing right now, from the matrix: the rollups only cover minutes that are over.
    void setFailingNow(int checks);

    // Hands `points` (sorted by x) to the series reduced to about two points per
    // pixel column (min/max), in one replace().
    static void feed(QXYSeries* series, const QList<QPointF>& points, int pixelWidth);
    static qint64 rangeMs(Range range);

Q_SIGNALS:
    void refreshed(); // every requested series has been fed

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    struct Plot {
        QChart* chart = nullptr;
        QChartView* view = nullptr;
        QDateTimeAxis* x = nullptr;
        QValueAxis* y = nullptr;
    };
    Plot makePlot(const QString& objectName, const QString& title, const QString& yTitle);
    QLineSeries* addLine(Plot& plot, const QString& name, const QColor& color, qreal width = 2);
    int plotWidth(const Plot& plot) const;
    void onRollups(quint64 id, const QList<hd::Rollup>& rollups);
    void onSamples(quint64 id, const QList<hd::Sample>& samples);
    void finishOne();
    void drawFailures();
    void applyTheme();

    HistoryStore* m_store;
    QComboBox* m_check;
    QComboBox* m_rangeBox;
    QLabel* m_note;
    Plot m_latency;
    Plot m_success;
    Plot m_failures;
    QLineSeries* m_p50 = nullptr;
    QLineSeries* m_p95 = nullptr;
    QLineSeries* m_raw = nullptr;
    QLineSeries* m_successLine = nullptr;
    QLineSeries* m_failedLine = nullptr;
    Range m_range = Range::Hour1;
    QTimer m_timer;
    quint64 m_latencyRequest = 0;
    quint64 m_samplesRequest = 0;
    quint64 m_successRequest = 0;
    quint64 m_failuresRequest = 0;
    int m_outstanding = 0;
    qint64 m_requestedAt = 0;
    bool m_autoRange = true;
    QList<Sample> m_recent; // the raw samples of the last reply: the success chart's unfinished minutes
    QList<QPointF> m_failurePoints; // per bucket, from the rollups
    int m_failingNow = 0;
    QStringList m_worstChecks; // most failures first, from the rollups
};

} // namespace hd
