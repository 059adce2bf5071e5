#pragma once

#include "config/config.h"
#include "core/proberesult.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <functional>

namespace hd {

// A silence as Alertmanager's API v2 takes it (POST /api/v2/silences).
struct SilenceRequest {
    QList<QPair<QString, QString>> matchers; // label = value, equality, no regex
    QString createdBy;
    QString comment;
    QDateTime startsAt;
    QDateTime endsAt; // required: a silence without an end is refused
};

// The silence that acknowledges an alert: the source's ack matchers taken from the alert's labels (those it
// has), from now until now + the source's expiry (or `expiryMs` when > 0).
SilenceRequest silenceForAlert(const AlertmanagerSourceConfig& source, const AlertFacts& alert, const QString& author,
    const QString& comment, const QDateTime& now, qint64 expiryMs = 0);
QByteArray silenceJson(const SilenceRequest& request);

// Creates and expires silences in the Alertmanager of one source, with the source's headers, auth and TLS.
// Each request is sent once and answered once through `done`.
class AlertmanagerSilences final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertmanagerSilences)
public:
    // ok: the request was taken; id: the new silence's id (create); message: Alertmanager's words or the cause.
    using Done = std::function<void(bool ok, int httpStatus, const QString& id, const QString& message)>;

    explicit AlertmanagerSilences(QObject* parent = nullptr);

    // `source` is the source's `api` check (kind Alertmanager).
    void create(const CheckConfig& source, const SilenceRequest& request, Done done);
    void expire(const CheckConfig& source, const QString& silenceId, Done done);

private:
    void send(
        const CheckConfig& source, const QByteArray& method, const QString& path, const QByteArray& body, Done done);

    QNetworkAccessManager m_network;
};

} // namespace hd
