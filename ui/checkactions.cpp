#include "checkactions.h"

#include "models/displaytext.h"
#include "models/historymodel.h"
#include "models/matrixmodel.h"
#include "prompts.h"
#include "runtime/monitorruntime.h"

#include <QWidget>

namespace hd {

namespace {

QString currentUser()
{
    const QByteArray user = qgetenv("USER");
    return user.isEmpty() ? QStringLiteral("operator") : QString::fromLocal8Bit(user);
}

} // namespace

CheckActions::CheckActions(MonitorRuntime* runtime, MatrixModel* matrix, QWidget* dialogParent)
    : QObject(dialogParent)
    , m_runtime(runtime)
    , m_matrix(matrix)
    , m_dialogParent(dialogParent)
{
    connect(m_runtime, &MonitorRuntime::acknowledged, this, [this](const QString& key, bool accepted) {
        const auto row = m_matrix->rowState(key);
        const bool alert = row && row->result.alert;
        Q_EMIT message(accepted
                ? (alert ? tr("Alertmanager took the change to %1's silence").arg(key) : tr("Acknowledged %1").arg(key))
                : alert ? tr("Alertmanager refused the silence change for %1: see the audit log").arg(key)
                        : tr("Nothing to acknowledge: %1 is ok").arg(key),
            8000);
    });
    connect(m_runtime, &MonitorRuntime::silenced, this, [this](const QString&, const OperatorSilence& s) {
        Q_EMIT message(tr("Silenced %1 until %2").arg(s.services.join(QStringLiteral(", ")), formatClock(s.end)), 8000);
    });
}

void CheckActions::acknowledge(const QString& key)
{
    const auto row = m_matrix->rowState(key);
    if (!row) {
        Q_EMIT message(tr("Select a check to acknowledge"), 5000);
        return;
    }
    const bool alert = bool(row->result.alert);
    if (alert && m_readOnly) {
        Q_EMIT message(
            tr("Read-only mode: %1 is an Alertmanager alert, and acknowledging it would write a silence").arg(row->key),
            8000);
        return;
    }
    if (isAcknowledged(*row)) {
        m_runtime->unacknowledge(row->key);
        Q_EMIT message(alert ? tr("Expiring the Alertmanager silence of %1\u2026").arg(row->key)
                             : tr("Acknowledgement of %1 removed").arg(row->key),
            8000);
        return;
    }
    if (row->status == Status::Ok) {
        Q_EMIT message(tr("Nothing to acknowledge: %1 is ok").arg(row->key), 5000);
        return;
    }
    const std::optional<AckAnswer> answer = Prompts::acknowledge(m_dialogParent, row->key);
    if (!answer)
        return;
    Acknowledgement ack;
    ack.checkKey = row->key;
    ack.author = currentUser();
    ack.comment = answer->comment;
    ack.created = QDateTime::currentDateTimeUtc();
    if (answer->expiresInMs > 0)
        ack.expires = ack.created.addMSecs(answer->expiresInMs);
    m_runtime->acknowledge(ack);
    if (!m_history)
        return;
    TimelineEntry entry;
    entry.kind = TimelineEntry::Kind::Acknowledgement;
    entry.timeMs = ack.created.toMSecsSinceEpoch();
    entry.service = row->service;
    entry.check = row->check;
    entry.item = row->item;
    entry.who = ack.author;
    entry.detail = ack.comment;
    entry.expiresMs = ack.expires.isValid() ? ack.expires.toMSecsSinceEpoch() : 0;
    m_history->addLive(entry);
}

void CheckActions::silence(const QString& key)
{
    const auto row = m_matrix->rowState(key);
    if (!row) {
        Q_EMIT message(tr("Select a check to silence its service"), 5000);
        return;
    }
    const std::optional<qint64> duration = Prompts::silenceFor(m_dialogParent, row->service);
    if (!duration)
        return;
    OperatorSilence s;
    s.services = { row->service };
    s.author = currentUser();
    s.comment = tr("silenced from the dashboard");
    s.created = QDateTime::currentDateTimeUtc();
    s.start = s.created;
    s.end = s.created.addMSecs(*duration);
    m_runtime->silence(s);
}

void CheckActions::runNow(const QString& key)
{
    if (key.isEmpty())
        return;
    m_runtime->runNow(key);
    Q_EMIT message(tr("Running %1 now\u2026").arg(key), 3000);
}

} // namespace hd
