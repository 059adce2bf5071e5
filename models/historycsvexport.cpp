#include "historycsvexport.h"

#include "core/threadhost.h"
#include "store/historystore.h"

#include <QSaveFile>
#include <QThread>

namespace hd {

namespace {

constexpr int kExportPageRows = 5000;

QString csvCell(const QString& value)
{
    QString v = value;
    // A cell starting with a formula character would run as a formula in a spreadsheet.
    if (!v.isEmpty()
        && (v.front() == u'=' || v.front() == u'+' || v.front() == u'@' || v.front() == u'\t' || v.front() == u'\r'
            || (v.front() == u'-' && v.size() > 1 && !v.at(1).isDigit())))
        v.prepend(u'\'');
    if (v.contains(u',') || v.contains(u'"') || v.contains(u'\n') || v.contains(u'\r'))
        return u'"' + v.replace(u'"', QStringLiteral("\"\"")) + u'"';
    return v;
}

QByteArray csvLine(const TimelineEntry& e)
{
    const bool change = e.kind == TimelineEntry::Kind::StateChange;
    const QStringList cells {
        isoTimeUtc(e.timeMs),
        e.kindName(),
        e.service,
        e.kind == TimelineEntry::Kind::Admin ? e.action : e.check,
        e.item,
        change ? statusName(e.from) : QString(),
        change ? statusName(e.to) : QString(),
        change ? severityName(e.severity) : QString(),
        e.kind == TimelineEntry::Kind::Admin ? e.result : QString(),
        e.fullDetail(),
        e.impactedBy,
        e.who,
    };
    QStringList quoted;
    for (const QString& c : cells)
        quoted << csvCell(c);
    const QString line = quoted.join(u',') + QStringLiteral("\r\n");
    return line.toUtf8();
}

} // namespace

CsvExportResult writeHistoryCsv(
    HistoryStore* store, const HistoryFilter& filter, const QString& path, const std::atomic_bool* cancel)
{
    CsvExportResult result;
    result.path = path;
    const auto cancelled = [&] { return cancel && cancel->load(); };
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        result.error = file.errorString();
        return result;
    }
    file.write("time,kind,service,check,item,from,to,severity,result,detail,impacted_by,who\r\n");

    QString error;
    const QList<Ack> acks = filter.includeAcks ? store->acks(ackQuery(0), &error) : QList<Ack>();
    const QList<AuditEntry> audit = error.isEmpty() && filter.includeAdmin
        ? store->audit(auditQuery(filter, filter.toMs, 0), &error)
        : QList<AuditEntry>();
    if (!error.isEmpty()) {
        result.error = error;
        file.cancelWriting();
        return result;
    }
    const QList<TimelineEntry> aux = auxEntries(acks, audit, filter, filter.toMs);
    qsizetype nextAux = 0;

    EventQuery query = filter.eventQuery();
    query.limit = kExportPageRows;
    for (;;) {
        if (cancelled()) {
            result.error = QStringLiteral("cancelled");
            file.cancelWriting();
            return result;
        }
        const QList<StateEvent> events = store->events(query, &error);
        if (!error.isEmpty()) {
            result.error = error;
            file.cancelWriting();
            return result;
        }
        for (const StateEvent& ev : events) {
            while (nextAux < aux.size() && aux.at(nextAux).timeMs > ev.timeMs) {
                file.write(csvLine(aux.at(nextAux++)));
                ++result.rows;
            }
            file.write(csvLine(TimelineEntry::fromEvent(ev)));
            ++result.rows;
        }
        if (events.size() < query.limit)
            break;
        query.after = EventCursor { events.last().timeMs, events.last().id };
        query.offset = 0;
    }
    while (nextAux < aux.size()) {
        file.write(csvLine(aux.at(nextAux++)));
        ++result.rows;
    }
    if (!file.commit()) {
        result.error = file.errorString();
        return result;
    }
    result.ok = true;
    return result;
}

struct HistoryCsvExporter::Thread { };

HistoryCsvExporter::HistoryCsvExporter(HistoryStore* store)
    : m_store(store)
    , m_cancel(std::make_shared<std::atomic_bool>(false))
{
}

HistoryCsvExporter::~HistoryCsvExporter()
{
    m_cancel->store(true);
    m_host.reset(); // joins once the export under way has stopped at its next page
}

void HistoryCsvExporter::start(const HistoryFilter& filter, const QString& path, QObject* context,
    std::function<void(const CsvExportResult&)> done)
{
    if (!m_host) {
        m_host
            = std::make_unique<ThreadHost<Thread>>(QStringLiteral("healthdeck-csv-export"), [] { return new Thread; });
        m_host->thread()->setPriority(QThread::LowPriority);
    }
    // The answer travels as the destruction of `relay`: a queued connection to `context`, which Qt drops safely
    // when context goes first, whichever thread deletes what.
    auto result = std::make_shared<CsvExportResult>();
    auto* relay = new QObject;
    QObject::connect(
        relay, &QObject::destroyed, context,
        [result, done = std::move(done)] {
            if (done)
                done(*result);
        },
        Qt::QueuedConnection);
    relay->moveToThread(m_host->thread());
    m_host->post([store = m_store, filter, path, cancel = m_cancel, result, relay](Thread&) {
        *result = writeHistoryCsv(store, filter, path, cancel.get());
        delete relay;
    });
}

} // namespace hd
