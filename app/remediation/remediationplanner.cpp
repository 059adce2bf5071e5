#include "remediationplanner.h"

#include "admin/adminaction.h"
#include "admin/adminclient.h"
#include "monitor/monitorengine.h"
#include "remediationlease.h"
#include "store/historystore.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>

namespace hd {

namespace {

constexpr qint64 kExecTimeoutMs = 60'000;
constexpr int kBusyRetryMs = 1'000;

QString firstLine(const QByteArray& bytes)
{
    const QString text = QString::fromUtf8(bytes).trimmed();
    const QString line = text.section(u'\n', 0, 0).trimmed();
    return line.size() > 200 ? line.left(200) + u'\u2026' : line;
}

} // namespace

struct RemediationPlanner::Target {
    QString key; // "service" or "service/check"
    QString service;
    QString check; // empty for a service's remediate:
    std::shared_ptr<const RemediationConfig> config;
    QString label;
    RemediationPlan::State state = RemediationPlan::State::Idle;
    QString reason;
    QString failingCheck;
    QDateTime due;
    QDateTime lastAttemptAt; // when the last attempt answered
    QDateTime healthySince;
    int used = 0;
    bool gaveUp = false;
    bool cancelled = false;
    bool inFlight = false;
    bool runNow = false;
    QString inFlightCheck;
    QPointer<QProcess> process;
    QByteArray published; // what was last announced, to announce changes only

    qint64 backoffAfter(int attempts) const
    {
        qint64 wait = config->backoffMs;
        for (int i = 1; i < attempts && wait < (qint64(1) << 50); ++i)
            wait *= 2;
        return wait;
    }
};

RemediationPlanner::RemediationPlanner(AdminRunner* admin, HistoryStore* store, QObject* parent)
    : QObject(parent)
    , m_admin(admin)
    , m_store(store)
{
    qRegisterMetaType<hd::RemediationPlan>();
    qRegisterMetaType<hd::RemediationEvent>();
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &RemediationPlanner::evaluateAll);
    if (m_admin)
        connect(m_admin, &AdminRunner::finished, this, &RemediationPlanner::onAdminFinished);
}

RemediationPlanner::~RemediationPlanner()
{
    for (auto& t : m_targets) {
        if (t->process) {
            t->process->disconnect(this);
            t->process->kill(); // and reaped by its own destructor, which waits for the killed process
        }
    }
}

void RemediationPlanner::attach(MonitorEngine* engine)
{
    setConfig(engine->config());
    connect(engine, &MonitorEngine::configApplied, this, [this, engine] { setConfig(engine->config()); });
    connect(engine, &MonitorEngine::rowsUpdated, this, &RemediationPlanner::updateRows);
    connect(engine, &MonitorEngine::rowsRemoved, this, &RemediationPlanner::removeRows);
    updateRows(engine->rows());
}

void RemediationPlanner::setConfig(const Config& config)
{
    m_configDir = config.file.isEmpty() ? QString() : QFileInfo(config.file).absolutePath();
    std::vector<std::unique_ptr<Target>> previous = std::move(m_targets);
    const auto take = [&previous](const QString& key) -> std::unique_ptr<Target> {
        for (auto& p : previous) {
            if (p && p->key == key)
                return std::move(p);
        }
        return nullptr;
    };
    const auto add = [&](const QString& key, const QString& service, const QString& check,
                         const std::shared_ptr<const RemediationConfig>& r) {
        std::unique_ptr<Target> t = take(key);
        if (!t)
            t = std::make_unique<Target>();
        t->key = key;
        t->service = service;
        t->check = check;
        t->config = r;
        if (!r->action.isEmpty()) {
            t->label = r->action;
            if (const auto admin = config.admin.constFind(service); admin != config.admin.cend()) {
                for (const AdminAction& a : adminActionsFor(*admin)) {
                    if (a.name == r->action) {
                        QString words = describeAdminAction(service, a, r->params);
                        const QString on = u" on " + service;
                        if (words.endsWith(on))
                            words.chop(on.size());
                        t->label = words;
                    }
                }
            }
        } else {
            t->label = u"run " + r->exec.join(u' ');
        }
        m_targets.push_back(std::move(t));
    };
    for (const ServiceConfig& s : config.services) {
        if (s.remediate)
            add(s.name, s.name, QString(), s.remediate);
        for (const CheckConfig& c : s.checks) {
            if (c.remediate)
                add(c.key(), s.name, c.name, c.remediate);
        }
    }
    // A target that is gone keeps no attempt going: an admin answer for it is dropped; a command is left to end.
    m_hasRemediation = !m_targets.empty();
    updateLease();
    evaluateAll();
}

void RemediationPlanner::updateRows(const QList<RowState>& rows)
{
    for (const RowState& r : rows) {
        Row& row = m_rows[r.key];
        row.service = r.service;
        row.check = r.check;
        row.status = r.status;
        row.since = r.since;
        row.counts = r.counts;
        row.offHours = r.offHours;
        row.acknowledged = r.acknowledged;
        row.silenced = r.silenced;
        row.impactedBy = r.impactedBy;
    }
    evaluateAll();
}

void RemediationPlanner::removeRows(const QStringList& keys)
{
    for (const QString& key : keys)
        m_rows.remove(key);
    evaluateAll();
}

void RemediationPlanner::setEnabled(bool enabled)
{
    m_enabled = enabled;
    updateLease();
    evaluateAll();
}

void RemediationPlanner::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    updateLease();
    evaluateAll();
}

void RemediationPlanner::updateLease()
{
    if (!m_lease)
        return;
    if (m_enabled && !m_readOnly && m_hasRemediation)
        m_lease->start();
    else
        m_lease->stop();
}

void RemediationPlanner::setLease(RemediationLease* lease)
{
    if (m_lease)
        m_lease->disconnect(this);
    m_lease = lease;
    m_held = false;
    if (lease)
        connect(lease, &RemediationLease::heldChanged, this, &RemediationPlanner::onLeaseHeld);
    if (m_store) {
        connect(m_store, &HistoryStore::auditReady, this, &RemediationPlanner::onAudit, Qt::UniqueConnection);
        // A read that fails leaves the budget as this process knows it, rather than keeping it from acting.
        connect(m_store, &HistoryStore::queryFailed, this, [this](quint64 id) {
            if (id == m_auditRequest)
                onAudit(id, {});
        });
    }
    updateLease();
    evaluateAll();
}

void RemediationPlanner::onLeaseHeld(bool held)
{
    const bool taken = held && !m_held;
    m_held = held;
    if (taken && m_store) {
        // Taking over from another process: its attempts count against the same budget. The newest attempt of
        // each plan within the plan's window (its audit row says "auto-heal attempt N/M: LABEL") restores it.
        qint64 window = 0;
        for (const auto& t : m_targets)
            window = qMax(window, t->config->windowMs);
        AuditQuery query;
        query.fromMs = QDateTime::currentMSecsSinceEpoch() - window;
        query.limit = 0;
        m_auditRequest = m_store->requestAudit(query);
    }
    evaluateAll();
}

void RemediationPlanner::onAudit(quint64 requestId, const QList<AuditEntry>& entries)
{
    if (requestId != m_auditRequest || m_auditRequest == 0)
        return;
    m_auditRequest = 0;
    static const QRegularExpression attempt(QStringLiteral("^auto-heal attempt (\\d+)/\\d+: (.*) \u2192 "));
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    for (auto& t : m_targets) {
        if (t->inFlight)
            continue;
        const QString action = t->config->action.isEmpty() ? QStringLiteral("exec") : t->config->action;
        // Newest first: the first match is the plan's latest attempt (or its giving up).
        for (const AuditEntry& e : entries) {
            if (e.service != t->service || e.action != action || !e.osUser.startsWith(u"auto-heal")
                || nowMs - e.timeMs > t->config->windowMs)
                continue;
            if (e.result == u"gave-up" && e.message.contains(u": " + t->label + u" did not bring " + t->key + u' ')) {
                t->gaveUp = true;
                t->used = qMax(t->used, t->config->maxAttempts);
                break;
            }
            const QRegularExpressionMatch m = attempt.match(e.message);
            if (!m.hasMatch() || m.captured(2) != t->label)
                continue;
            const int n = m.captured(1).toInt();
            if (n > t->used) {
                t->used = qMin(n, t->config->maxAttempts);
                t->lastAttemptAt = QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC);
            }
            break;
        }
    }
    evaluateAll();
}

bool RemediationPlanner::covers(const Target& t, const QString& rowKey, const Row& row) const
{
    if (!row.counts || row.service != t.service)
        return false;
    if (!t.check.isEmpty())
        return row.check == t.check;
    // A service's remediate: covers its checks that have none of their own.
    for (const auto& other : m_targets) {
        if (!other->check.isEmpty() && other->service == t.service && other->check == row.check)
            return false;
    }
    Q_UNUSED(rowKey);
    return true;
}

QString RemediationPlanner::globalBlock() const
{
    if (!m_enabled)
        return QStringLiteral("auto-heal is switched off");
    if (m_readOnly || (m_admin && m_admin->isReadOnly()))
        return QStringLiteral("read-only mode");
    if (m_lease && !m_lease->isHeld())
        return m_lease->reason();
    if (m_auditRequest != 0)
        return QStringLiteral("reading the attempts of the process that acted before");
    return {};
}

void RemediationPlanner::evaluateAll()
{
    const QDateTime at = now();
    for (auto& t : m_targets)
        evaluate(*t, at);
    arm();
}

void RemediationPlanner::evaluate(Target& t, const QDateTime& at)
{
    using State = RemediationPlan::State;
    const RemediationConfig& cfg = *t.config;
    QString failingCheck;
    QString blockedBy;
    QDateTime downSince;
    bool failing = false;
    for (auto it = m_rows.cbegin(); it != m_rows.cend(); ++it) {
        const Row& row = *it;
        if (row.status != Status::Down || !covers(t, it.key(), row))
            continue;
        failing = true;
        QString block;
        if (row.offHours)
            block = QStringLiteral("off-hours");
        else if (row.acknowledged)
            block = QStringLiteral("acknowledged");
        else if (row.silenced)
            block = QStringLiteral("silenced");
        else if (!row.impactedBy.isEmpty() && row.impactedBy != row.service)
            block = u"impacted by " + row.impactedBy + u"; waiting for its root cause";
        if (!block.isEmpty()) {
            if (blockedBy.isEmpty())
                blockedBy = block;
            continue;
        }
        if (!downSince.isValid() || (row.since.isValid() && row.since < downSince)) {
            downSince = row.since.isValid() ? row.since : at;
            failingCheck = row.check;
        }
    }

    if (t.inFlight) {
        t.state = State::InFlight;
        publish(t);
        return;
    }
    if (!failing) {
        if (!t.healthySince.isValid())
            t.healthySince = at;
        t.cancelled = false;
        t.runNow = false;
        if ((t.used > 0 || t.gaveUp) && t.healthySince.msecsTo(at) >= cfg.windowMs) {
            t.used = 0;
            t.gaveUp = false;
            t.lastAttemptAt = QDateTime();
        }
        t.state = State::Idle;
        t.reason.clear();
        t.due = QDateTime();
        t.failingCheck.clear();
        publish(t);
        return;
    }
    t.healthySince = QDateTime();
    if (t.gaveUp) {
        t.state = State::GaveUp;
        t.due = QDateTime();
        publish(t);
        return;
    }
    if (const QString off = globalBlock(); !off.isEmpty()) {
        t.state = State::Off;
        t.reason = off;
        t.due = QDateTime();
        publish(t);
        return;
    }
    if (t.used >= cfg.maxAttempts) {
        // The last attempt gets its back-off to show whether it helped; then auto-heal gives up, once.
        t.due = t.lastAttemptAt.addMSecs(t.backoffAfter(t.used));
        if (at >= t.due) {
            t.gaveUp = true;
            t.state = State::GaveUp;
            t.due = QDateTime();
            publish(t);
            RemediationEvent e;
            e.time = at;
            e.service = t.service;
            e.check = t.failingCheck.isEmpty() ? t.check : t.failingCheck;
            e.attempt = t.used;
            e.of = cfg.maxAttempts;
            e.result = QStringLiteral("gave-up");
            e.detail = u"auto-heal gave up: " + t.label + u" did not bring " + t.key + u" back after "
                + QString::number(t.used) + u" attempts";
            if (m_store) {
                // In the audit log too, so that the alert history's timeline ends the story.
                AuditEntry entry;
                entry.timeMs = at.toMSecsSinceEpoch();
                entry.osUser = u"auto-heal (" + AdminClient::osUser() + u')';
                entry.service = t.service;
                entry.action = cfg.action.isEmpty() ? QStringLiteral("exec") : cfg.action;
                entry.result = e.result;
                entry.message = e.detail;
                m_store->appendAudit(entry);
            }
            Q_EMIT gaveUp(e);
            return;
        }
        t.state = State::Backoff;
        publish(t);
        return;
    }
    if (t.cancelled) {
        t.state = State::Cancelled;
        t.due = QDateTime();
        publish(t);
        return;
    }
    if (!downSince.isValid()) {
        t.state = State::Blocked;
        t.reason = blockedBy;
        t.due = QDateTime();
        publish(t);
        return;
    }
    t.failingCheck = failingCheck;
    t.reason.clear();
    QDateTime due = downSince.addMSecs(cfg.afterMs);
    bool backingOff = false;
    if (t.used > 0 && t.lastAttemptAt.isValid()) {
        const QDateTime next = t.lastAttemptAt.addMSecs(t.backoffAfter(t.used));
        if (next > due) {
            due = next;
            backingOff = true;
        }
    }
    t.due = due;
    t.state = backingOff ? State::Backoff : State::Waiting;
    if (at >= due || t.runNow) {
        if (m_admin && !cfg.action.isEmpty() && m_admin->isBusy(t.service)) {
            // An operator's action on the service is under way: wait for it rather than be refused.
            t.reason = u"another admin action on " + t.service + u" is under way";
            t.due = at.addMSecs(kBusyRetryMs);
            publish(t);
            return;
        }
        start(t);
        return;
    }
    publish(t);
}

void RemediationPlanner::start(Target& t)
{
    const RemediationConfig& cfg = *t.config;
    const int attempt = t.used + 1;
    t.inFlight = true;
    t.runNow = false;
    t.inFlightCheck = t.failingCheck.isEmpty() ? t.check : t.failingCheck;
    t.state = RemediationPlan::State::InFlight;
    publish(t);
    Q_EMIT attemptStarted(planOf(t));
    const QString note
        = u"auto-heal attempt " + QString::number(attempt) + u'/' + QString::number(cfg.maxAttempts) + u": " + t.label;
    const QString initiator = u"auto-heal (" + AdminClient::osUser() + u')';
    const QString key = t.key;

    if (!cfg.action.isEmpty()) {
        if (!m_admin) {
            finish(key, QStringLiteral("failure"), note + u" \u2192 no admin client to send it with");
            return;
        }
        const quint64 id = m_admin->runOnBehalf(t.service, cfg.action, cfg.params, initiator, note);
        m_requests.insert(id, key);
        return;
    }

    auto* process = new QProcess(this);
    t.process = process;
    process->setProgram(cfg.exec.value(0));
    process->setArguments(cfg.exec.mid(1));
    if (!m_configDir.isEmpty())
        process->setWorkingDirectory(m_configDir);
    auto* deadline = new QTimer(process);
    deadline->setSingleShot(true);
    auto timedOut = std::make_shared<bool>(false);
    connect(deadline, &QTimer::timeout, process, [process, timedOut] {
        *timedOut = true;
        process->kill();
    });
    const qint64 startedMs = QDateTime::currentMSecsSinceEpoch();
    const auto done = [this, key, note, initiator, process, startedMs, argv = cfg.exec, service = t.service](
                          const QString& result, const QString& what) {
        process->deleteLater();
        const QString detail = note + u" \u2192 " + what;
        if (!m_store) {
            finish(key, result, detail);
            return;
        }
        AuditEntry entry;
        entry.timeMs = startedMs;
        entry.osUser = initiator;
        entry.service = service;
        entry.action = QStringLiteral("exec");
        entry.params = QJsonObject { { QStringLiteral("command"), QJsonArray::fromStringList(argv) } };
        entry.result = result;
        entry.message = detail;
        m_store->appendAudit(
            entry, this, [this, key, result, detail](const WriteResult&) { finish(key, result, detail); });
    };
    connect(process, &QProcess::finished, this, [process, timedOut, done](int code, QProcess::ExitStatus status) {
        const QString output = firstLine(process->readAllStandardOutput() + process->readAllStandardError());
        if (*timedOut)
            done(QStringLiteral("unknown"),
                u"no answer within " + QString::number(kExecTimeoutMs / 1000) + u" s; killed");
        else if (status == QProcess::CrashExit)
            done(QStringLiteral("unknown"), QStringLiteral("the command crashed"));
        else
            done(code == 0 ? QStringLiteral("success") : QStringLiteral("failure"),
                u"exit " + QString::number(code) + (output.isEmpty() ? QString() : u' ' + output));
    });
    connect(process, &QProcess::errorOccurred, this, [process, done](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            done(QStringLiteral("failure"), u"could not start: " + process->errorString());
    });
    deadline->start(int(kExecTimeoutMs));
    process->start();
}

void RemediationPlanner::onAdminFinished(const AdminResult& result)
{
    const auto it = m_requests.constFind(result.requestId);
    if (it == m_requests.cend())
        return;
    const QString key = *it;
    m_requests.erase(it);
    const QString outcome = result.outcome == AdminOutcome::Success ? QStringLiteral("success")
        : result.outcome == AdminOutcome::Unknown                   ? QStringLiteral("unknown")
                                                                    : QStringLiteral("failure");
    QString note;
    for (const auto& t : m_targets) {
        if (t->key == key)
            note = u"auto-heal attempt " + QString::number(t->used + 1) + u'/' + QString::number(t->config->maxAttempts)
                + u": " + t->label;
    }
    finish(key, outcome, note + u" \u2192 " + adminOutcomeSummary(result.httpStatus, result.outcome, result.message));
}

void RemediationPlanner::finish(const QString& key, const QString& result, const QString& detail)
{
    Target* t = nullptr;
    for (auto& x : m_targets) {
        if (x->key == key)
            t = x.get();
    }
    if (!t || !t->inFlight)
        return; // removed by a reload meanwhile
    const QDateTime at = now();
    t->inFlight = false;
    t->process = nullptr;
    ++t->used;
    t->lastAttemptAt = at;
    RemediationEvent e;
    e.time = at;
    e.service = t->service;
    e.check = t->inFlightCheck;
    e.attempt = t->used;
    e.of = t->config->maxAttempts;
    e.result = result;
    e.detail = detail;
    Q_EMIT attemptFinished(e);
    evaluateAll();
}

bool RemediationPlanner::cancel(const QString& target)
{
    for (auto& t : m_targets) {
        if (t->key != target)
            continue;
        if (t->state != RemediationPlan::State::Waiting && t->state != RemediationPlan::State::Backoff)
            return false;
        t->cancelled = true;
        evaluateAll();
        return true;
    }
    return false;
}

bool RemediationPlanner::runNow(const QString& target)
{
    using State = RemediationPlan::State;
    for (auto& t : m_targets) {
        if (t->key != target)
            continue;
        const bool ready = t->state == State::Waiting || t->state == State::Cancelled
            || (t->state == State::Backoff && t->used < t->config->maxAttempts);
        if (!ready)
            return false;
        t->cancelled = false;
        t->runNow = true;
        evaluateAll();
        return true;
    }
    return false;
}

bool RemediationPlanner::hasRemediation(const Config& config)
{
    for (const ServiceConfig& s : config.services) {
        if (s.remediate)
            return true;
        for (const CheckConfig& c : s.checks) {
            if (c.remediate)
                return true;
        }
    }
    return false;
}

QSet<QString> RemediationPlanner::healingRows() const
{
    QSet<QString> out;
    for (const auto& t : m_targets) {
        if (!planOf(*t).healing())
            continue;
        for (auto it = m_rows.cbegin(); it != m_rows.cend(); ++it) {
            if (it->status == Status::Down && covers(*t, it.key(), *it))
                out.insert(it.key());
        }
    }
    return out;
}

bool RemediationPlanner::isBusy() const
{
    for (const auto& t : m_targets) {
        if (t->inFlight)
            return true;
    }
    return false;
}

void RemediationPlanner::arm()
{
    const QDateTime at = now();
    qint64 wait = -1;
    const auto consider = [&](const QDateTime& when) {
        if (!when.isValid())
            return;
        const qint64 ms = qMax<qint64>(0, at.msecsTo(when));
        if (wait < 0 || ms < wait)
            wait = ms;
    };
    for (const auto& t : m_targets) {
        if (t->inFlight)
            continue;
        if (t->state == RemediationPlan::State::Waiting || t->state == RemediationPlan::State::Backoff)
            consider(t->due);
        if (t->state == RemediationPlan::State::Idle && t->healthySince.isValid() && (t->used > 0 || t->gaveUp))
            consider(t->healthySince.addMSecs(t->config->windowMs));
    }
    if (wait < 0) {
        m_timer.stop();
        return;
    }
    // A little late rather than early, so that `now() >= due` holds when it fires.
    m_timer.start(int(qMin<qint64>(wait + 5, 3'600'000)));
}

RemediationPlan RemediationPlanner::planOf(const Target& t) const
{
    RemediationPlan p;
    p.target = t.key;
    p.service = t.service;
    p.check = t.inFlight ? t.inFlightCheck : (t.failingCheck.isEmpty() ? t.check : t.failingCheck);
    p.label = t.label;
    p.state = t.state;
    p.reason = t.reason;
    p.due = t.due;
    p.attempts = t.used;
    p.maxAttempts = t.config->maxAttempts;
    return p;
}

void RemediationPlanner::publish(Target& t)
{
    const RemediationPlan p = planOf(t);
    QByteArray fingerprint = remediationStateName(p.state).toUtf8() + '|' + p.reason.toUtf8() + '|' + p.check.toUtf8()
        + '|' + QByteArray::number(p.due.isValid() ? p.due.toMSecsSinceEpoch() : 0) + '|'
        + QByteArray::number(p.attempts);
    if (fingerprint == t.published)
        return;
    t.published = fingerprint;
    Q_EMIT planChanged(p);
}

QList<RemediationPlan> RemediationPlanner::plans() const
{
    QList<RemediationPlan> out;
    for (const auto& t : m_targets)
        out << planOf(*t);
    return out;
}

std::optional<RemediationPlan> RemediationPlanner::plan(const QString& target) const
{
    for (const auto& t : m_targets) {
        if (t->key == target)
            return planOf(*t);
    }
    return std::nullopt;
}

std::optional<RemediationPlan> RemediationPlanner::planForRow(const QString& rowKey) const
{
    const auto row = m_rows.constFind(rowKey);
    if (row == m_rows.cend())
        return std::nullopt;
    for (const auto& t : m_targets) {
        if (covers(*t, rowKey, *row))
            return planOf(*t);
    }
    return std::nullopt;
}

} // namespace hd
