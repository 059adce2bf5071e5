#pragma once

#include "models/historycsvexport.h"
#include "models/historytimeline.h"
#include "store/historytypes.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>
#include <QTimer>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace hd {

class HistoryStore;

// The alert history table over the SQLite history, for any number of events.
// Rows are virtual: the model knows how many events match and fetches the page
// a view asks for, by keyset from a neighbouring page when it has one (scrolling)
// and from the nearer end otherwise (a jump to the oldest rows is one query).
// Loaded pages are kept in a bounded cache. Acknowledgements and admin actions
// join the timeline as the pages around their time arrive. Events committed
// after the table was opened appear on top as they are written.
class HistoryModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HistoryModel)
public:
    enum Column { ColTime, ColService, ColCheck, ColEvent, ColSeverity, ColDetail, ColCount };
    Q_ENUM(Column)

    explicit HistoryModel(HistoryStore* store, QObject* parent = nullptr);
    ~HistoryModel() override; // cancels and waits for running exports (HistoryCsvExporter)

    void setFilter(const HistoryFilter& filter); // reloads
    const HistoryFilter& filter() const { return m_filter; }
    void reload();
    bool isLoading() const { return m_loading; }
    qint64 eventCount() const { return m_eventCount; }
    void setPageSize(int rows) { m_pageSize = qMax(16, rows); }
    void setMaxCachedPages(int pages) { m_maxPages = qMax(4, pages); }

    // nullopt while the row's page is still being fetched.
    std::optional<TimelineEntry> entry(int row) const;
    bool isRowLoaded(int row) const { return entry(row).has_value(); }
    // An acknowledgement or admin action made in this window, shown at once.
    void addLive(const TimelineEntry& entry);

    // Exports the current filter (see writeHistoryCsv), on the model's export thread.
    void exportCsv(const QString& path, QObject* context, std::function<void(const CsvExportResult&)> done);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void loaded(); // the count is known and the rows exist
    void pageLoaded(int firstRow, int lastRow);
    void loadFailed(const QString& error);

private:
    struct Aux {
        TimelineEntry entry;
        qint64 eventsBefore = -1; // events newer than it; -1 until a loaded page pins it down
    };
    struct Page {
        QList<StateEvent> events;
    };
    enum class Locate { Live, Aux, Event };
    struct Where {
        Locate kind = Locate::Event;
        qint64 index = 0; // into m_live, m_aux or the events
    };

    Where locate(int row) const;
    int rowOfEvent(qint64 eventIndex) const; // row of the first event of that index (after aux placed before it)
    const StateEvent* eventAt(qint64 eventIndex) const;
    void want(int page) const;
    void requestWanted();
    void requestPage(int page);
    void onEvents(quint64 id, const QList<StateEvent>& events);
    void onCount(quint64 id, qint64 count);
    void onAcks(quint64 id, const QList<Ack>& acks);
    void onAudit(quint64 id, const QList<AuditEntry>& entries);
    void onFailed(quint64 id, const QString& error);
    void onEventCommitted(const StateEvent& event);
    void maybeFinishLoad();
    void placeAux();
    void evictPages();
    int placedCount() const { return int(m_placed.size()); }

    HistoryStore* m_store;
    HistoryFilter m_filter;
    qint64 m_snapshotToMs = 0;
    int m_pageSize = 200;
    int m_maxPages = 400;
    bool m_loading = false;

    quint64 m_countRequest = 0;
    quint64 m_ackRequest = 0;
    quint64 m_auditRequest = 0;
    bool m_haveCount = false, m_haveAcks = false, m_haveAudit = false;
    QList<TimelineEntry> m_pendingAux;

    qint64 m_eventCount = 0;
    QHash<int, Page> m_pages;
    mutable QList<int> m_lru; // most recently used last
    QHash<quint64, int> m_pageRequests; // request -> page, or -page - 1 when asked for oldest first
    mutable QList<int> m_wanted;
    mutable QTimer m_wantTimer;

    QList<TimelineEntry> m_live; // newest first, above the snapshot
    std::vector<Aux> m_aux; // newest first
    std::vector<std::pair<qint64, int>> m_placed; // (position among the snapshot rows, index into m_aux), ascending

    HistoryCsvExporter m_exports; // last: its destructor cancels and joins the exports first
};

} // namespace hd
