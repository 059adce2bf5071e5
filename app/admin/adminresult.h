#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QMetaType>
#include <QString>

namespace hd {

enum class AdminOutcome {
    Success, // the backend said it did it
    Failure, // the backend said no (success:false, HTTP error), or the request could not be sent
    Unknown, // sent, but no usable answer: the action may or may not have run
    Refused, // not sent: read-only mode, not confirmed, another action in flight
    Invalid, // not sent: unknown service or action, bad parameters, unusable config
    AuthFailed, // not sent: the credentials were rejected or are missing
};

// "success", "failure", "unknown", "refused", "invalid", "auth-failed": the audit log's result column.
QString adminOutcomeName(AdminOutcome outcome);

// How one attempt ended.
struct AdminResult {
    quint64 requestId = 0;
    QString service;
    QString action;
    QJsonObject params; // as given, secrets redacted
    AdminOutcome outcome = AdminOutcome::Invalid;
    int httpStatus = 0; // 0: no HTTP answer to the action
    QString message; // the backend's own message when it gave one, else ours
    QJsonValue response { QJsonValue::Undefined }; // the backend's JSON answer; undefined when none parses
    QByteArray body; // the answer as received (capped); empty when none
    bool sent = false; // the action's request went out (it may have run)
    qint64 startedMs = 0; // ms since the epoch, UTC
    qint64 elapsedMs = 0;
    bool audited = false; // the audit row was committed
    QString auditError; // why it was not

    bool ok() const { return outcome == AdminOutcome::Success; }
};

// What a finished HTTP answer to an action means. The answer to a request that was sent is never
// success unless it is JSON that does not say otherwise with a 2xx status.
struct AdminVerdict {
    AdminOutcome outcome = AdminOutcome::Unknown;
    QString message;
    QJsonValue json { QJsonValue::Undefined }; // undefined unless the body parsed as JSON
};

AdminVerdict interpretAdminResponse(int httpStatus, const QByteArray& contentType, const QByteArray& body);

// How an attempt ended, in one line: "200 <message>" with an HTTP answer, else "failure: <message>".
QString adminOutcomeSummary(int httpStatus, AdminOutcome outcome, const QString& message);

// The phrase every "unknown" result starts with.
QString adminUnknownPrefix();

} // namespace hd

Q_DECLARE_METATYPE(hd::AdminResult)
