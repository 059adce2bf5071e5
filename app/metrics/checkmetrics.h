#pragma once

#include "monitor/rowstate.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QString>

namespace hd {

struct SchedulingLag;

// What healthdeck exposes for Prometheus to scrape: per row, the status as a one-hot gauge over the six
// statuses, the last probe's duration, results by outcome, state changes, the last change's time and the
// acknowledged/silenced overlays; plus build info, scheduling lag and history write errors. Fed from the
// engine's signals, so the label sets are exactly the rows of the config. Not thread-safe: it lives on the
// thread of the engine it listens to.
class CheckMetrics final {
public:
    enum class Format {
        Text004, // text/plain; version=0.0.4
        OpenMetrics, // application/openmetrics-text; version=1.0.0
    };

    void update(const QList<RowState>& rows);
    void remove(const QStringList& keys);
    void noteStateChange(const StateChange& change);
    void noteHistoryWriteError() { ++m_historyWriteErrors; }
    void setSchedulingLag(qint64 p99Ms, qint64 maxMs);

    QByteArray render(Format format) const;

    // The format an Accept header asks for: OpenMetrics when it names application/openmetrics-text.
    static Format negotiate(const QByteArray& accept);
    static QByteArray contentType(Format format);

private:
    struct Row {
        QString service;
        QString check;
        QString group;
        QString item;
        Status status = Status::Starting;
        double durationSeconds = 0;
        bool hasResult = false;
        QHash<int, qint64> results; // raw Status -> count
        qint64 stateChanges = 0;
        qint64 lastChangeMs = 0;
        bool acknowledged = false;
        bool silenced = false;
        QByteArray labels; // service="..",check="..",group="..",item="..", escaped
    };
    static QByteArray labelsOf(const Row& row);
    QHash<QString, Row> m_rows;
    qint64 m_historyWriteErrors = 0;
    qint64 m_lagP99Ms = 0;
    qint64 m_lagMaxMs = 0;
};

} // namespace hd
