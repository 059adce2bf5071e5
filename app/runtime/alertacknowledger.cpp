#include "alertacknowledger.h"

#include "monitor/monitorengine.h"
#include "sources/alertmanagersilences.h"
#include "store/historystore.h"

#include <QJsonObject>

namespace hd {

AlertAcknowledger::AlertAcknowledger(HistoryStore* store, QObject* parent)
    : QObject(parent)
    , m_store(store)
{
}

void AlertAcknowledger::acknowledge(const MonitorEngine& engine, const RowState& row, const Acknowledgement& ack,
    bool remove, bool readOnly, std::function<void(bool)> answer)
{
    const AlertFacts alert = *row.result.alert;
    const CheckConfig* source = nullptr;
    for (const ServiceConfig& service : engine.config().services) {
        for (const CheckConfig& check : service.checks) {
            if (check.kind == ProbeKind::Alertmanager && check.service == alert.source)
                source = &check;
        }
    }
    if (!source || !source->alertmanager) {
        answer(false);
        return;
    }
    if (!m_silences)
        m_silences = new AlertmanagerSilences(this);
    AuditEntry entry;
    entry.timeMs = QDateTime::currentMSecsSinceEpoch();
    entry.osUser = ack.author;
    entry.service = alert.source;
    entry.params = QJsonObject { { QStringLiteral("key"), row.key }, { QStringLiteral("author"), ack.author } };
    const QString action
        = remove ? QStringLiteral("alertmanager-expire-silence") : QStringLiteral("alertmanager-silence");
    if (readOnly) {
        AuditEntry refused = entry;
        refused.action = action;
        refused.result = QStringLiteral("refused");
        refused.message = QStringLiteral("read-only mode: no silence is written to Alertmanager");
        if (m_store)
            m_store->appendAudit(refused);
        answer(false);
        return;
    }
    if (!remove)
        entry.params.insert(QStringLiteral("comment"), ack.comment);
    const auto done = [this, entry, answer, action](const QString& id) {
        return [this, entry, answer, action, id](bool ok, int status, const QString& newId, const QString& message) {
            AuditEntry e = entry;
            e.action = action;
            e.httpStatus = status;
            e.result = ok ? QStringLiteral("success") : QStringLiteral("failure");
            e.message = ok ? u"silence " + (newId.isEmpty() ? id : newId) : message;
            if (m_store)
                m_store->appendAudit(e);
            answer(ok);
        };
    };
    if (remove) {
        for (const QString& id : alert.silencedBy)
            m_silences->expire(*source, id, done(id));
        return;
    }
    const qint64 expiryMs = ack.expires.isValid() ? QDateTime::currentDateTimeUtc().msecsTo(ack.expires) : 0;
    const SilenceRequest request = silenceForAlert(
        *source->alertmanager, alert, ack.author, ack.comment, QDateTime::currentDateTimeUtc(), expiryMs);
    m_silences->create(*source, request, done(QString()));
}

} // namespace hd
