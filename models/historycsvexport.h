#pragma once

#include "models/historytimeline.h"

#include <QMetaType>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>

class QObject;

namespace hd {

class HistoryStore;
template <class T> class ThreadHost;

struct CsvExportResult {
    bool ok = false;
    qint64 rows = 0;
    QString path;
    QString error;
};

// Writes every row the filter selects (state changes, acks, admin actions, newest first) to `path` as RFC 4180
// CSV, all or nothing (QSaveFile). It reads the history page by page through the store's blocking API, so it runs
// on an export thread (HistoryCsvExporter), never a UI thread; setting *cancel stops it between pages.
CsvExportResult writeHistoryCsv(
    HistoryStore* store, const HistoryFilter& filter, const QString& path, const std::atomic_bool* cancel = nullptr);

// Runs CSV exports of one history, one after the other, on a low-priority thread of its own (hd::ThreadHost),
// started by the first export. The store must outlive it.
class HistoryCsvExporter final {
    Q_DISABLE_COPY_MOVE(HistoryCsvExporter)
public:
    explicit HistoryCsvExporter(HistoryStore* store);
    ~HistoryCsvExporter(); // cancels the running and waiting exports and joins the thread

    // `done` runs in `context`'s thread, unless context is gone by then.
    void start(const HistoryFilter& filter, const QString& path, QObject* context,
        std::function<void(const CsvExportResult&)> done);

private:
    struct Thread; // the object on the export thread: nothing but the thread's anchor
    HistoryStore* m_store;
    std::shared_ptr<std::atomic_bool> m_cancel;
    std::unique_ptr<ThreadHost<Thread>> m_host;
};

} // namespace hd

Q_DECLARE_METATYPE(hd::CsvExportResult)
