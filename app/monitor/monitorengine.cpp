#include "monitorengine.h"

#include "impact.h"
#include "probes/probe.h"
#include "probing/probefactory.h"

#include <QDataStream>
#include <QIODevice>
#include <QScopeGuard>
#include <algorithm>
#include <tuple>

using namespace Qt::StringLiterals;

namespace hd {

namespace {

constexpr int kHousekeepingMs = 5'000;

// What makes two versions of a check the same check: everything that changes
// how it probes or how it judges. Reloads keep the state of unchanged checks.
QByteArray fingerprint(const CheckConfig& c)
{
    QByteArray out;
    QDataStream s(&out, QIODevice::WriteOnly);
    s << int(c.kind) << c.timeoutMs << c.http.url << c.http.method << c.http.body << c.http.bearer
      << c.http.basic.has_value() << (c.http.basic ? c.http.basic->username + c.http.basic->password : QString())
      << c.http.tls.caFile << c.http.tls.certFile << c.http.tls.keyFile << c.http.tls.insecure << c.http.maxRedirects
      << c.http.maxBodyBytes << c.redis().server << int(c.redis().mode) << c.redis().key << c.tcp().host << c.tcp().port
      << c.file().path << c.file().writable << c.file().maxAgeMs.value_or(-1) << c.exec().command
      << c.exec().workingDirectory << c.prometheus().emptyOk;
    for (const auto& h : c.http.headers)
        s << h.first << h.second;
    for (const ConditionSpec& cond : c.conditions)
        s << cond.expression << cond.warn;
    return out;
}

} // namespace

struct MonitorEngine::Slot {
    CheckConfig config;
    std::unique_ptr<CheckEvaluator> evaluator;
    QByteArray fingerprint;
    QByteArray probeFingerprint; // the config `probe` was made for
    QString host;
    QString group;
    qint64 dueMs = 0;
    std::optional<std::multimap<qint64, Slot*>::iterator> queued;
    qint64 runDueMs = 0; // when the run being started, or waiting for capacity, was due
    bool running = false;
    bool waiting = false;
    bool offHours = false;
    Probe* probe = nullptr; // running, or (restartable) idle until the next run
    QStringList rowKeys;
};

struct MonitorEngine::PendingChange {
    RowState row;
    Status from;
    Status to;
    FlapDetector::Change flap;
    QDateTime time;
    qint64 monotonicMs = 0; // when it happened, for how long it may be held
};

MonitorEngine::MonitorEngine(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<hd::RowState>();
    qRegisterMetaType<hd::StateChange>();
    m_monotonic.start();
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &MonitorEngine::onTimer);
    m_batchTimer.setSingleShot(true);
    m_batchTimer.setInterval(100);
    connect(&m_batchTimer, &QTimer::timeout, this, [this] {
        reapProbes();
        flush();
    });
    m_holdTimer.setSingleShot(true);
    connect(&m_holdTimer, &QTimer::timeout, this, &MonitorEngine::flush);
    m_housekeeping.setInterval(kHousekeepingMs);
    connect(&m_housekeeping, &QTimer::timeout, this, [this] {
        const QDateTime at = now();
        m_acks.expire(at);
        m_silences.expire(at);
        for (auto it = m_rows.begin(); it != m_rows.end(); ++it) {
            const bool wasAck = it->acknowledged, wasSilenced = it->silenced;
            refreshOverlays(*it, at);
            if (wasAck != it->acknowledged || wasSilenced != it->silenced)
                markDirty(it.key());
        }
    });
}

MonitorEngine::~MonitorEngine()
{
    for (auto& slot : m_slots)
        dropProbe(slot.get());
}

void MonitorEngine::setConfig(const Config& config)
{
    m_config = config;
    m_graph = DependencyGraph(config);
    m_impactStale = true;
    m_calendars.clear();
    for (auto it = config.calendars.cbegin(); it != config.calendars.cend(); ++it)
        m_calendars.insert(it.key(), MarketCalendar(it.value()));
    m_gate.setConfig(config);
    m_silences.setMaintenanceWindows(config.maintenance);
    // The network manager and Redis connections survive a reload unless the Redis
    // servers changed; then every probe in flight is dropped before they go.
    QByteArray infra;
    {
        QDataStream s(&infra, QIODevice::WriteOnly);
        s << config.defaults.maxBodyBytes;
        for (const RedisServerConfig& r : config.redis)
            s << r.name << r.host << r.port << r.db << r.tls << r.username << r.password << r.tlsFiles.caFile
              << r.tlsFiles.certFile << r.tlsFiles.keyFile << r.tlsFiles.insecure;
    }
    if (!m_factory || infra != m_infraFingerprint) {
        for (auto& slot : m_slots)
            dropProbe(slot.get());
        delete m_factory;
        m_factory = new ProbeFactory(config, this);
        m_infraFingerprint = infra;
    }

    std::vector<std::unique_ptr<Slot>> previous = std::move(m_slots);
    QHash<QString, size_t> old; // check key -> index in previous
    old.reserve(qsizetype(previous.size()));
    for (size_t i = 0; i < previous.size(); ++i)
        old.insert(previous[i]->config.key(), i);

    std::vector<std::unique_ptr<Slot>> next;
    QSet<QString> kept;
    for (const ServiceConfig& service : config.services) {
        for (const CheckConfig& check : service.checks) {
            const QByteArray fp = fingerprint(check);
            std::unique_ptr<Slot> slot;
            if (const auto at = old.constFind(check.key()); at != old.cend())
                slot = std::move(previous[*at]);
            const bool changed = !slot || slot->fingerprint != fp;
            if (!slot)
                slot = std::make_unique<Slot>();
            slot->config = check;
            slot->group = service.group;
            slot->host = HostSlots::keyOf(check);
            slot->fingerprint = fp;
            slot->evaluator = std::make_unique<CheckEvaluator>(check);
            if (slot->rowKeys.isEmpty())
                slot->rowKeys << check.key();
            for (const QString& key : std::as_const(slot->rowKeys)) {
                if (auto track = m_tracks.value(key)) {
                    track->thresholds.setThresholds(check.failureThreshold, check.successThreshold);
                    if (changed)
                        track->memory.clear();
                }
                RowState& row = m_rows[key];
                if (row.key.isEmpty()) {
                    row.key = key;
                    row.check = check.name;
                    row.service = check.service;
                    row.detail = QStringLiteral("no result yet");
                    row.since = now();
                    // Shown as waiting from the start, not only once its first turn comes.
                    if (m_gate.isGated(check.key())) {
                        row.gated = true;
                        row.detail = QStringLiteral("waiting for the startup check to pass");
                    }
                }
                row.group = service.group;
                row.tags = check.tags;
                row.severity = check.severity;
                markDirty(key);
            }
            kept.insert(check.key());
            next.push_back(std::move(slot));
        }
    }

    QStringList removed;
    for (auto& p : previous) {
        if (!p)
            continue;
        dropProbe(p.get());
        if (p->queued)
            m_queue.erase(*p->queued);
        m_waiting.removeAll(p.get());
        for (const QString& key : std::as_const(p->rowKeys)) {
            m_rows.remove(key);
            m_impactStale = true;
            m_tracks.remove(key);
            m_dirty.remove(key);
            removed << key;
        }
    }
    m_slots = std::move(next);
    if (!removed.isEmpty())
        Q_EMIT rowsRemoved(removed);

    if (m_running) {
        for (auto& slot : m_slots) {
            if (!slot->queued && !slot->running)
                schedule(slot.get(), monotonicMs());
        }
        armTimer();
    }
    Q_EMIT configApplied();
}

void MonitorEngine::start()
{
    if (m_running)
        return;
    m_running = true;
    resetSchedulingLag();
    const qint64 t = monotonicMs();
    // The first runs of checks that share an interval are spread evenly across it, in config order, rather
    // than fired in one burst at start-up; each then keeps its own phase.
    QHash<qint64, qsizetype> sharing;
    for (const auto& slot : m_slots)
        ++sharing[slot->config.intervalMs];
    QHash<qint64, qsizetype> placed;
    for (auto& slot : m_slots) {
        const qint64 interval = qMax<qint64>(slot->config.intervalMs, 1);
        const qsizetype k = placed[slot->config.intervalMs]++;
        schedule(slot.get(), t + interval * k / sharing.value(slot->config.intervalMs));
    }
    armTimer();
    m_housekeeping.start();
}

void MonitorEngine::stop()
{
    m_running = false;
    m_timer.stop();
    m_housekeeping.stop();
    for (auto& slot : m_slots) {
        dropProbe(slot.get());
        slot->queued.reset();
        slot->waiting = false;
    }
    m_queue.clear();
    m_waiting.clear();
    flush(); // running is false: nothing is held back any more
}

SchedulingLag MonitorEngine::schedulingLag() const
{
    return m_lag.total();
}

SchedulingLag MonitorEngine::takeRecentSchedulingLag()
{
    return m_lag.takeRecent();
}

void MonitorEngine::resetSchedulingLag()
{
    m_lag.reset();
}

void MonitorEngine::dropProbe(Slot* slot)
{
    if (!slot->probe)
        return;
    Probe* probe = slot->probe;
    slot->probe = nullptr;
    if (!slot->running) {
        // An idle probe kept for its next run; possibly still inside its own finished().
        m_spent.push_back(probe);
        return;
    }
    probe->cancel();
    delete probe;
    slot->running = false;
    --m_inFlight;
    m_hostSlots.give(slot->host);
}

void MonitorEngine::runNow(const QString& checkKey)
{
    Slot* slot = slotFor(checkKey);
    if (!slot || slot->running || !m_running)
        return;
    slot->dueMs = monotonicMs();
    tryStart(slot);
    armTimer();
}

MonitorEngine::Slot* MonitorEngine::slotFor(const QString& checkKey) const
{
    for (const auto& slot : m_slots) {
        if (slot->config.key() == checkKey || slot->rowKeys.contains(checkKey))
            return slot.get();
    }
    return nullptr;
}

void MonitorEngine::schedule(Slot* slot, qint64 dueMs)
{
    if (slot->queued)
        m_queue.erase(*slot->queued);
    slot->dueMs = dueMs;
    slot->queued = m_queue.emplace(dueMs, slot);
}

void MonitorEngine::armTimer()
{
    if (!m_running || m_queue.empty()) {
        m_timer.stop();
        return;
    }
    const qint64 wait = qMax<qint64>(0, m_queue.begin()->first - monotonicMs());
    m_timer.start(int(qMin<qint64>(wait, 3'600'000)));
}

void MonitorEngine::onTimer()
{
    // Checks due within the next few milliseconds start together: one wake-up of the engine and of the network
    // thread serves a whole batch, which is what keeps thousands of checks per second cheap.
    constexpr qint64 coalesceMs = 20;
    reapProbes();
    const qint64 t = monotonicMs();
    while (!m_queue.empty() && m_queue.begin()->first <= t + coalesceMs) {
        Slot* slot = m_queue.begin()->second;
        m_queue.erase(m_queue.begin());
        slot->queued.reset();
        tryStart(slot);
    }
    armTimer();
}

void MonitorEngine::tryStart(Slot* slot)
{
    if (!m_running)
        return;
    const qint64 t = monotonicMs();
    slot->runDueMs = slot->dueMs;
    const qint64 interval = qMax<qint64>(slot->config.intervalMs, 1);
    // Drift guard: the next run is due one interval after this one was due, not
    // after it ended; runs missed while the machine slept are skipped, not bunched.
    qint64 next = slot->dueMs + interval;
    if (next <= t)
        next = t + interval - ((t - slot->dueMs) % interval);
    schedule(slot, next);

    if (!slot->config.active.isEmpty()) {
        const QDateTime wall = now();
        const MarketCalendar calendar = m_calendars.value(slot->config.active);
        if (!calendar.isActive(wall)) {
            setOffHours(slot, true);
            const QDateTime transition = calendar.nextTransition(wall);
            if (transition.isValid()) {
                const qint64 at = t + qMax<qint64>(1, wall.msecsTo(transition));
                if (at < next)
                    schedule(slot, at);
            }
            return;
        }
        if (slot->offHours)
            setOffHours(slot, false);
    }

    if (m_gate.isGated(slot->config.key())) {
        for (const QString& key : std::as_const(slot->rowKeys)) {
            RowState& row = m_rows[key];
            if (!row.gated) {
                row.gated = true;
                m_impactStale = true;
                row.detail = QStringLiteral("waiting for the startup check to pass");
                markDirty(key);
            }
        }
        return;
    }
    if (slot->running)
        return; // never overlap itself; the next run is already scheduled
    if (m_inFlight >= m_limits.maxInFlight || hostIsFull(slot)) {
        if (!slot->waiting) {
            slot->waiting = true;
            m_waiting << slot;
        }
        return;
    }
    startProbe(slot);
}

bool MonitorEngine::hostIsFull(const Slot* slot) const
{
    return m_hostSlots.isFull(slot->host, HostSlots::limitOf(slot->config, m_limits.maxInFlightPerHost));
}

void MonitorEngine::startProbe(Slot* slot)
{
    Probe* probe = slot->probe;
    // A restartable probe serves its check run after run, unless the check changed since it was
    // made, or it is the one whose finished() is being handled right now.
    if (probe && (!probe->restartable() || slot->probeFingerprint != slot->fingerprint || slot == m_finishing)) {
        m_spent.push_back(probe);
        probe = nullptr;
    }
    if (!probe) {
        probe = m_factory->create(slot->config, this);
        slot->probeFingerprint = slot->fingerprint;
        connect(probe, &Probe::finished, this, [this, slot, probe](const ProbeResult& result) {
            if (slot->probe != probe || !slot->running)
                return; // superseded by a reload
            onProbeFinished(slot, result);
        });
    }
    m_lag.add(monotonicMs() - slot->runDueMs);
    slot->probe = probe;
    slot->running = true;
    ++m_inFlight;
    m_hostSlots.take(slot->host);
    probe->start();
}

void MonitorEngine::reapProbes()
{
    std::vector<Probe*> spent;
    spent.swap(m_spent);
    qDeleteAll(spent);
}

void MonitorEngine::onProbeFinished(Slot* slot, const ProbeResult& result)
{
    if (!slot->probe->restartable()) {
        // Still inside the probe's own signal. Deleted from the next timer event rather than
        // with deleteLater(), whose posted event would wake the event loop once per probe.
        m_spent.push_back(slot->probe);
        slot->probe = nullptr;
    }
    slot->running = false;
    --m_inFlight;
    m_hostSlots.give(slot->host);
    Slot* const outer = m_finishing;
    m_finishing = slot;
    const auto restore = qScopeGuard([this, outer] { m_finishing = outer; });

    const auto memory = [this, slot](const QString& key) -> ConditionMemory* {
        auto& track = m_tracks[key];
        if (!track) {
            track = std::make_shared<Track>();
            track->thresholds.setThresholds(slot->config.failureThreshold, slot->config.successThreshold);
        }
        return &track->memory;
    };
    applyRows(slot, rowsForResult(slot->config, *slot->evaluator, result, now(), memory));

    // Hand freed capacity to checks that were held back by the limits.
    for (qsizetype i = 0; i < m_waiting.size() && m_inFlight < m_limits.maxInFlight;) {
        Slot* waiting = m_waiting.at(i);
        if (hostIsFull(waiting)) {
            ++i;
            continue;
        }
        m_waiting.removeAt(i);
        waiting->waiting = false;
        if (!waiting->running)
            startProbe(waiting);
    }
}

void MonitorEngine::applyRows(Slot* slot, const QList<CheckRow>& rows)
{
    const QDateTime at = now();
    QStringList keys;
    for (const CheckRow& r : rows) {
        keys << r.key;
        auto& track = m_tracks[r.key];
        if (!track) {
            track = std::make_shared<Track>();
            track->thresholds.setThresholds(slot->config.failureThreshold, slot->config.successThreshold);
        }
        const ThresholdTracker::Transition tr = track->thresholds.feed(r.status);
        const FlapDetector::Change flap = track->flap.feed(r.status);

        RowState& row = m_rows[r.key];
        const bool isNew = row.key.isEmpty();
        const auto impactInputs
            = [&row] { return std::tuple(row.status, row.counts, row.offHours, row.gated, row.service); };
        const auto inputsBefore = impactInputs();
        row.key = r.key;
        row.service = r.service;
        row.check = r.check;
        row.item = r.item;
        row.group = r.group.isEmpty() ? slot->group : r.group;
        row.tags = slot->config.tags;
        row.severity = r.severity;
        row.counts = r.counts;
        row.status = track->thresholds.status();
        row.rawStatus = r.status;
        row.pending = track->thresholds.pending();
        row.flapping = track->flap.isFlapping();
        row.gated = false;
        row.offHours = false;
        row.latencyMs = r.latencyMs;
        row.detail = r.detail;
        row.lastResult = at;
        row.freshResult = true;
        row.evaluation = r.evaluation;
        row.result = r.result;
        if (tr.changed || isNew)
            row.since = at;
        if (isNew || impactInputs() != inputsBefore || r.result.alert) // an alert's inhibition may change alone
            m_impactStale = true;
        m_acks.onStatus(r.key, row.status);
        markDirty(r.key);

        if (flap != FlapDetector::Change::None || (tr.changed && !row.flapping))
            m_changes.push_back(
                PendingChange { row, tr.changed ? tr.from : row.status, row.status, flap, at, monotonicMs() });
    }

    QStringList removed;
    for (const QString& key : std::as_const(slot->rowKeys)) {
        if (!keys.contains(key)) {
            // A resolved alert leaves the matrix, and its end goes to the history like any recovery.
            const auto gone = m_rows.constFind(key);
            if (gone != m_rows.constEnd() && gone->result.alert && gone->status != Status::Ok) {
                RowState resolved = *gone;
                resolved.status = Status::Ok;
                resolved.rawStatus = Status::Ok;
                resolved.detail = QStringLiteral("resolved");
                m_changes.push_back(PendingChange {
                    resolved, gone->status, Status::Ok, FlapDetector::Change::None, at, monotonicMs() });
            }
            m_rows.remove(key);
            m_impactStale = true;
            m_tracks.remove(key);
            m_dirty.remove(key);
            removed << key;
        }
    }
    slot->rowKeys = keys;
    if (!removed.isEmpty())
        Q_EMIT rowsRemoved(removed);

    if (slot->config.tags.contains(QStringLiteral("startup"), Qt::CaseInsensitive) && !rows.isEmpty()) {
        const QStringList released = m_gate.record(slot->config.key(), rows.first().status);
        for (const QString& key : released) {
            if (Slot* gated = slotFor(key)) {
                gated->dueMs = monotonicMs();
                tryStart(gated);
            }
        }
        armTimer();
    }
}

void MonitorEngine::setOffHours(Slot* slot, bool offHours)
{
    slot->offHours = offHours;
    m_impactStale = true;
    for (const QString& key : std::as_const(slot->rowKeys)) {
        RowState& row = m_rows[key];
        row.offHours = offHours;
        if (offHours) {
            row.detail = u"outside calendar " + slot->config.active;
        } else if (auto track = m_tracks.value(key)) {
            // A new session starts from a clean slate, as a freshly started check.
            track->thresholds.reset();
            track->memory.clear();
            row.status = Status::Starting;
            row.detail = QStringLiteral("no result yet");
        }
        markDirty(key);
    }
}

void MonitorEngine::recomputeImpact()
{
    // Only a row's status, service, or whether it counts can change the impact; most batches change none.
    if (!m_impactStale)
        return;
    m_impactStale = false;
    m_impact = markImpact(m_rows, m_graph, [this](const QString& key) { markDirty(key); });
}

void MonitorEngine::refreshOverlays(RowState& row, const QDateTime& at)
{
    row.acknowledged = m_acks.isAcknowledged(row.key, at);
    QString reason;
    row.silenced = m_silences.isSilenced(row.service, row.group, row.tags, at, &reason);
    if (!row.silenced && row.result.alert && !row.result.alert->silencedBy.isEmpty()) {
        // Silenced in Alertmanager: the silence's author, end and comment when they could be read.
        row.silenced = true;
        const AlertFacts& alert = *row.result.alert;
        if (alert.silence.isEmpty())
            reason = u"silenced in Alertmanager ("_s + alert.silencedBy.join(u", ") + u')';
        else
            reason = u"silenced in Alertmanager "_s + alert.silence;
    }
    row.silenceReason = row.silenced ? reason : QString();
}

void MonitorEngine::markDirty(const QString& key)
{
    m_dirty.insert(key);
    if (!m_batchTimer.isActive())
        m_batchTimer.start();
}

qint64 MonitorEngine::holdForDependencies(const PendingChange& c) const
{
    const bool failing = c.to == Status::Down || c.to == Status::Stale || c.to == Status::Unknown;
    if (!m_running || !failing || !c.row.counts || !m_impact.rootOf(c.row.service).isEmpty())
        return 0;
    qint64 until = -1;
    QStringList todo = m_graph.dependenciesOf(c.row.service);
    QSet<QString> seen;
    while (!todo.isEmpty()) {
        const QString service = todo.takeFirst();
        if (seen.contains(service))
            continue;
        seen.insert(service);
        todo += m_graph.dependenciesOf(service);
        for (const auto& slot : m_slots) {
            if (slot->config.service != service)
                continue;
            for (const QString& key : std::as_const(slot->rowKeys)) {
                const auto row = m_rows.constFind(key);
                if (row == m_rows.constEnd() || !row->counts || row->offHours || row->gated)
                    continue;
                // Not heard from since the dependant changed, or failing but not yet past its threshold.
                const bool unsettled = row->pending || !row->lastResult.isValid() || row->lastResult < c.time;
                if (!unsettled)
                    continue;
                const CheckConfig& check = slot->config;
                const qint64 limit
                    = c.monotonicMs + check.intervalMs * qMax(1, check.failureThreshold) + check.timeoutMs;
                until = qMax(until, limit);
            }
        }
    }
    return qMax<qint64>(0, until - monotonicMs());
}

void MonitorEngine::flush()
{
    m_batchTimer.stop();
    recomputeImpact();
    const QDateTime at = now();

    std::vector<PendingChange> changes;
    changes.swap(m_changes);
    // Root causes are announced before what they impact; a row's own changes keep their order.
    std::stable_partition(changes.begin(), changes.end(),
        [this](const PendingChange& c) { return m_impact.rootOf(c.row.service).isEmpty(); });
    QSet<QString> heldRows;
    qint64 nextLook = -1;
    for (PendingChange& c : changes) {
        // A later change of a held row waits behind it, so the row's changes keep their order.
        const qint64 holdMs = heldRows.contains(c.row.key) ? 0 : holdForDependencies(c);
        if (heldRows.contains(c.row.key) || holdMs > 0) {
            heldRows.insert(c.row.key);
            if (holdMs > 0 && (nextLook < 0 || holdMs < nextLook))
                nextLook = holdMs;
            m_changes.push_back(std::move(c));
            continue;
        }
        StateChange change;
        change.time = c.time;
        change.service = c.row.service;
        change.check = c.row.check;
        change.item = c.row.item;
        change.group = c.row.group;
        change.from = c.from;
        change.to = c.to;
        change.severity = c.row.severity;
        change.detail = c.row.detail;
        change.impactedBy = m_impact.rootOf(c.row.service);
        change.acknowledged = m_acks.isAcknowledged(c.row.key, at);
        change.silenced = m_silences.isSilenced(c.row.service, c.row.group, c.row.tags, at);
        change.flapping
            = c.flap == FlapDetector::Change::Started || (c.flap == FlapDetector::Change::None && c.row.flapping);
        if (c.flap == FlapDetector::Change::Started)
            change.detail = QStringLiteral("flapping: ") + c.row.detail;
        else if (c.flap == FlapDetector::Change::Stopped)
            change.detail = QStringLiteral("stopped flapping; ") + c.row.detail;
        Q_EMIT stateChanged(change);
    }
    if (!m_changes.empty())
        m_holdTimer.start(int(qMax<qint64>(1, nextLook)));

    if (m_dirty.isEmpty())
        return;
    QList<RowState> batch;
    batch.reserve(m_dirty.size());
    for (const QString& key : std::as_const(m_dirty)) {
        auto it = m_rows.find(key);
        if (it == m_rows.end())
            continue;
        refreshOverlays(*it, at);
        batch << *it;
        it->freshResult = false;
    }
    m_dirty.clear();
    Q_EMIT rowsUpdated(batch);
}

bool MonitorEngine::acknowledge(const Acknowledgement& ack)
{
    const auto row = m_rows.constFind(ack.checkKey);
    if (row == m_rows.constEnd() || !m_acks.acknowledge(ack, row->status))
        return false;
    markDirty(ack.checkKey);
    return true;
}

bool MonitorEngine::unacknowledge(const QString& rowKey)
{
    if (!m_acks.remove(rowKey))
        return false;
    markDirty(rowKey);
    return true;
}

void MonitorEngine::syncAcknowledgements(const QList<Acknowledgement>& stored, qint64 graceMs)
{
    const QDateTime at = now();
    QSet<QString> keys;
    for (const Acknowledgement& ack : stored) {
        keys.insert(ack.checkKey);
        const auto mine = m_acks.get(ack.checkKey, at);
        if (!mine || mine->created != ack.created || mine->expires != ack.expires) {
            m_acks.restore(ack);
            markDirty(ack.checkKey);
        }
    }
    for (const Acknowledgement& ack : m_acks.all()) {
        if (!keys.contains(ack.checkKey) && ack.created.msecsTo(at) > graceMs && m_acks.remove(ack.checkKey))
            markDirty(ack.checkKey);
    }
}

QString MonitorEngine::silence(const OperatorSilence& silence)
{
    const QString id = m_silences.add(silence);
    for (auto it = m_rows.cbegin(); it != m_rows.cend(); ++it)
        markDirty(it.key());
    return id;
}

bool MonitorEngine::unsilence(const QString& id)
{
    if (!m_silences.remove(id))
        return false;
    for (auto it = m_rows.cbegin(); it != m_rows.cend(); ++it)
        markDirty(it.key());
    return true;
}

QList<RowState> MonitorEngine::rows() const
{
    QList<RowState> out;
    out.reserve(m_rows.size());
    for (const auto& slot : m_slots) {
        for (const QString& key : slot->rowKeys) {
            auto it = m_rows.constFind(key);
            if (it != m_rows.constEnd())
                out << *it;
        }
    }
    return out;
}

std::optional<RowState> MonitorEngine::row(const QString& key) const
{
    auto it = m_rows.constFind(key);
    if (it == m_rows.constEnd())
        return std::nullopt;
    return *it;
}

} // namespace hd
