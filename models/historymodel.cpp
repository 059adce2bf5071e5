#include "historymodel.h"

#include "displaytext.h"
#include "statusroles.h"
#include "store/historystore.h"

#include <QDateTime>
#include <QTimeZone>
#include <algorithm>

namespace hd {

namespace {

constexpr int kAuxLimit = 5000; // acks and admin actions loaded per filter
constexpr int kMaxInFlight = 4; // page requests waiting in the store at once
constexpr int kMaxWanted = 8; // pages remembered while others are in flight

} // namespace

// HistoryModel

HistoryModel::HistoryModel(HistoryStore* store, QObject* parent)
    : QAbstractTableModel(parent)
    , m_store(store)
    , m_exports(store)
{
    qRegisterMetaType<hd::TimelineEntry>();
    m_wantTimer.setSingleShot(true);
    m_wantTimer.setInterval(0);
    connect(&m_wantTimer, &QTimer::timeout, this, &HistoryModel::requestWanted);
    connect(store, &HistoryStore::eventsReady, this, &HistoryModel::onEvents);
    connect(store, &HistoryStore::eventCountReady, this, &HistoryModel::onCount);
    connect(store, &HistoryStore::acksReady, this, &HistoryModel::onAcks);
    connect(store, &HistoryStore::auditReady, this, &HistoryModel::onAudit);
    connect(store, &HistoryStore::queryFailed, this, &HistoryModel::onFailed);
    connect(
        store, &HistoryStore::eventCommitted, this, [this](const StateEvent& event, bool) { onEventCommitted(event); });
}

HistoryModel::~HistoryModel() = default;

void HistoryModel::setFilter(const HistoryFilter& filter)
{
    m_filter = filter;
    reload();
}

void HistoryModel::reload()
{
    beginResetModel();
    m_loading = true;
    m_snapshotToMs = QDateTime::currentMSecsSinceEpoch() + 1;
    if (m_filter.toMs > 0)
        m_snapshotToMs = qMin(m_snapshotToMs, m_filter.toMs);
    m_eventCount = 0;
    m_pages.clear();
    m_lru.clear();
    m_pageRequests.clear();
    m_wanted.clear();
    m_live.clear();
    m_aux.clear();
    m_placed.clear();
    m_pendingAux.clear();
    m_haveCount = m_haveAcks = m_haveAudit = false;
    endResetModel();

    EventQuery q = m_filter.eventQuery();
    q.toMs = m_snapshotToMs;
    m_countRequest = m_store->requestEventCount(q);
    m_haveAcks = !m_filter.includeAcks;
    m_haveAudit = !m_filter.includeAdmin;
    m_ackRequest = m_filter.includeAcks ? m_store->requestAcks(ackQuery(kAuxLimit)) : 0;
    m_auditRequest = m_filter.includeAdmin ? m_store->requestAudit(auditQuery(m_filter, m_snapshotToMs, kAuxLimit)) : 0;
}

void HistoryModel::onCount(quint64 id, qint64 count)
{
    if (id != m_countRequest || !m_loading)
        return;
    m_haveCount = true;
    m_eventCount = qMax<qint64>(0, count);
    maybeFinishLoad();
}

void HistoryModel::onAcks(quint64 id, const QList<Ack>& acks)
{
    if (id != m_ackRequest || !m_loading)
        return;
    m_haveAcks = true;
    m_pendingAux += auxEntries(acks, {}, m_filter, m_snapshotToMs);
    maybeFinishLoad();
}

void HistoryModel::onAudit(quint64 id, const QList<AuditEntry>& entries)
{
    if (id != m_auditRequest || !m_loading)
        return;
    m_haveAudit = true;
    m_pendingAux += auxEntries({}, entries, m_filter, m_snapshotToMs);
    maybeFinishLoad();
}

void HistoryModel::onFailed(quint64 id, const QString& error)
{
    if (m_loading && (id == m_countRequest || id == m_ackRequest || id == m_auditRequest)) {
        // Show what could be read; an unreadable count leaves the events out.
        m_haveCount = m_haveCount || id == m_countRequest;
        m_haveAcks = m_haveAcks || id == m_ackRequest;
        m_haveAudit = m_haveAudit || id == m_auditRequest;
        Q_EMIT loadFailed(error);
        maybeFinishLoad();
        return;
    }
    if (m_pageRequests.remove(id)) {
        Q_EMIT loadFailed(error);
        requestWanted();
    }
}

void HistoryModel::maybeFinishLoad()
{
    if (!m_haveCount || !m_haveAcks || !m_haveAudit)
        return;
    beginResetModel();
    std::stable_sort(m_pendingAux.begin(), m_pendingAux.end(),
        [](const TimelineEntry& a, const TimelineEntry& b) { return a.timeMs > b.timeMs; });
    for (const TimelineEntry& e : std::as_const(m_pendingAux))
        m_aux.push_back(Aux { e, m_eventCount == 0 ? 0 : -1 });
    m_pendingAux.clear();
    for (int i = 0; i < int(m_aux.size()); ++i) {
        if (m_aux[size_t(i)].eventsBefore >= 0)
            m_placed.emplace_back(qint64(m_placed.size()) + m_aux[size_t(i)].eventsBefore, i);
    }
    m_loading = false;
    endResetModel();
    if (m_eventCount > 0)
        want(0);
    Q_EMIT loaded();
}

HistoryModel::Where HistoryModel::locate(int row) const
{
    if (row < m_live.size())
        return { Locate::Live, row };
    const qint64 s = row - m_live.size();
    const auto it
        = std::lower_bound(m_placed.begin(), m_placed.end(), s, [](const auto& p, qint64 v) { return p.first < v; });
    if (it != m_placed.end() && it->first == s)
        return { Locate::Aux, it->second };
    return { Locate::Event, s - qint64(it - m_placed.begin()) };
}

int HistoryModel::rowOfEvent(qint64 eventIndex) const
{
    qint64 before = 0;
    for (const auto& [pos, auxIndex] : m_placed) {
        if (m_aux[size_t(auxIndex)].eventsBefore <= eventIndex)
            ++before;
    }
    return int(m_live.size() + eventIndex + before);
}

const StateEvent* HistoryModel::eventAt(qint64 eventIndex) const
{
    const auto it = m_pages.constFind(int(eventIndex / m_pageSize));
    if (it == m_pages.constEnd())
        return nullptr;
    const qsizetype offset = eventIndex % m_pageSize;
    return offset < it->events.size() ? &it->events.at(offset) : nullptr;
}

std::optional<TimelineEntry> HistoryModel::entry(int row) const
{
    if (row < 0 || row >= rowCount())
        return std::nullopt;
    const Where w = locate(row);
    switch (w.kind) {
    case Locate::Live:
        return m_live.at(w.index);
    case Locate::Aux:
        return m_aux[size_t(w.index)].entry;
    case Locate::Event:
        if (const StateEvent* e = eventAt(w.index))
            return TimelineEntry::fromEvent(*e);
        want(int(w.index / m_pageSize));
        return std::nullopt;
    }
    return std::nullopt;
}

void HistoryModel::want(int page) const
{
    if (m_pages.contains(page))
        return;
    for (auto it = m_pageRequests.cbegin(); it != m_pageRequests.cend(); ++it) {
        if (it.value() == page || it.value() == -page - 1) // in flight, either way round
            return;
    }
    m_wanted.removeAll(page);
    m_wanted.append(page);
    while (m_wanted.size() > kMaxWanted)
        m_wanted.removeFirst();
    if (!m_wantTimer.isActive())
        m_wantTimer.start();
}

void HistoryModel::requestWanted()
{
    // The most recent wishes first: they are what the view shows now.
    while (!m_wanted.isEmpty() && m_pageRequests.size() < kMaxInFlight) {
        const int page = m_wanted.takeLast();
        if (!m_pages.contains(page))
            requestPage(page);
    }
}

void HistoryModel::requestPage(int page)
{
    const qint64 first = qint64(page) * m_pageSize;
    if (first >= m_eventCount)
        return;
    const qint64 count = qMin<qint64>(m_pageSize, m_eventCount - first);
    EventQuery q = m_filter.eventQuery();
    q.toMs = m_snapshotToMs;
    q.limit = int(count);
    const auto prev = m_pages.constFind(page - 1);
    const auto next = m_pages.constFind(page + 1);
    if (prev != m_pages.constEnd() && prev->events.size() == m_pageSize) {
        q.after = EventCursor { prev->events.last().timeMs, prev->events.last().id };
    } else if (next != m_pages.constEnd() && !next->events.isEmpty()) {
        q.oldestFirst = true;
        q.after = EventCursor { next->events.first().timeMs, next->events.first().id };
    } else if (first > m_eventCount / 2) {
        q.oldestFirst = true; // the far end is nearer from the other side
        q.offset = int(m_eventCount - (first + count));
    } else {
        q.offset = int(first);
    }
    const quint64 id = m_store->requestEvents(q);
    m_pageRequests.insert(id, q.oldestFirst ? -page - 1 : page);
}

void HistoryModel::onEvents(quint64 id, const QList<StateEvent>& events)
{
    const auto it = m_pageRequests.find(id);
    if (it == m_pageRequests.end())
        return;
    const int tagged = it.value();
    m_pageRequests.erase(it);
    const bool reversed = tagged < 0;
    const int page = reversed ? -tagged - 1 : tagged;
    Page p;
    p.events = events;
    if (reversed)
        std::reverse(p.events.begin(), p.events.end());
    m_pages.insert(page, p);
    m_lru.removeAll(page);
    m_lru.append(page);
    evictPages();

    placeAux();
    const qint64 first = qint64(page) * m_pageSize;
    if (!p.events.isEmpty()) {
        const int top = rowOfEvent(first);
        const int bottom = rowOfEvent(first + p.events.size() - 1);
        Q_EMIT dataChanged(index(top, 0), index(bottom, ColCount - 1));
        Q_EMIT pageLoaded(top, bottom);
    }
    requestWanted();
}

void HistoryModel::evictPages()
{
    while (m_pages.size() > m_maxPages && !m_lru.isEmpty())
        m_pages.remove(m_lru.takeFirst());
}

void HistoryModel::placeAux()
{
    const auto resolve = [this](qint64 t) -> qint64 {
        // The aux row goes before the first event that is not newer than it.
        for (auto it = m_pages.cbegin(); it != m_pages.cend(); ++it) {
            const QList<StateEvent>& evs = it->events;
            if (evs.isEmpty())
                continue;
            const qint64 b = qint64(it.key()) * m_pageSize;
            const qint64 end = b + evs.size();
            if (evs.first().timeMs <= t) {
                if (b == 0)
                    return 0;
                if (const StateEvent* prev = eventAt(b - 1); prev && prev->timeMs > t)
                    return b;
            } else if (evs.last().timeMs > t) {
                if (end >= m_eventCount)
                    return m_eventCount;
                if (const StateEvent* next = eventAt(end); next && next->timeMs <= t)
                    return end;
            } else {
                const auto pos
                    = std::partition_point(evs.begin(), evs.end(), [t](const StateEvent& e) { return e.timeMs > t; });
                return b + (pos - evs.begin());
            }
        }
        return -1;
    };
    for (int i = 0; i < int(m_aux.size()); ++i) {
        Aux& a = m_aux[size_t(i)];
        if (a.eventsBefore >= 0)
            continue;
        const qint64 before = resolve(a.entry.timeMs);
        if (before < 0)
            continue;
        qint64 newerPlaced = 0;
        for (const auto& p : m_placed)
            newerPlaced += p.second < i ? 1 : 0;
        const qint64 pos = newerPlaced + before;
        const int row = int(m_live.size() + pos);
        beginInsertRows(QModelIndex(), row, row);
        a.eventsBefore = before;
        for (auto& p : m_placed) {
            if (p.second > i)
                ++p.first;
        }
        m_placed.emplace_back(pos, i);
        std::sort(m_placed.begin(), m_placed.end());
        endInsertRows();
    }
}

void HistoryModel::addLive(const TimelineEntry& entry)
{
    if (!m_filter.accepts(entry) || entry.timeMs < m_snapshotToMs - 1)
        return;
    if (m_loading) {
        m_live.prepend(entry);
        return;
    }
    beginInsertRows(QModelIndex(), 0, 0);
    m_live.prepend(entry);
    endInsertRows();
}

void HistoryModel::onEventCommitted(const StateEvent& event)
{
    if (event.timeMs >= m_snapshotToMs)
        addLive(TimelineEntry::fromEvent(event));
}

void HistoryModel::exportCsv(const QString& path, QObject* context, std::function<void(const CsvExportResult&)> done)
{
    m_exports.start(m_filter, path, context, std::move(done));
}

int HistoryModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid())
        return 0;
    return int(m_live.size() + m_eventCount + placedCount());
}

int HistoryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColCount;
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case ColTime:
        return tr("Time");
    case ColService:
        return tr("Service");
    case ColCheck:
        return tr("Check / action");
    case ColEvent:
        return tr("What happened");
    case ColSeverity:
        return tr("Severity");
    case ColDetail:
        return tr("Detail");
    case ColCount:
        break;
    }
    return {};
}

QVariant HistoryModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const std::optional<TimelineEntry> e = entry(index.row());
    if (!e) {
        if (role == Qt::DisplayRole && index.column() == ColTime)
            return tr("loading\u2026");
        return {};
    }
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case ColTime:
            return QDateTime::fromMSecsSinceEpoch(e->timeMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case ColService:
            return e->service;
        case ColCheck:
            return e->checkLabel();
        case ColEvent:
            return e->what();
        case ColSeverity:
            return e->kind == TimelineEntry::Kind::StateChange ? severityName(e->severity) : QString();
        case ColDetail:
            return e->fullDetail();
        case ColCount:
            break;
        }
        return {};
    case Qt::ToolTipRole:
        return QString(e->what() + u'\n' + e->fullDetail());
    case StatusRole:
        return e->kind == TimelineEntry::Kind::StateChange ? int(e->to) : -1;
    case TimelineKindRole:
        return int(e->kind);
    case TimeRole:
        return e->timeMs;
    case ServiceRole:
        return e->service;
    case ImpactedByRole:
        return e->impactedBy;
    default:
        return {};
    }
}

} // namespace hd
