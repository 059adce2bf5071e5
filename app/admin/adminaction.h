#pragma once

#include "config/config.h"

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

namespace hd {

// Parameter values as the user gave them: key=value on the command line, a form in the dashboard.
using AdminParams = QMap<QString, QString>;

struct AdminParam {
    QString name;
    QStringList allowed; // empty: free text
    bool required = false;
};

// One action an admin service offers: from a preset (docs/contract.md §6) or from `actions:` in the config.
struct AdminAction {
    QString name;
    QByteArray method = "GET";
    QString path; // may hold {param} placeholders
    QJsonValue body; // JSON template with {param} placeholders; undefined: no body
    bool confirm = false;
    QList<AdminParam> params; // in the order a form or a usage line shows them
    bool fromPreset = false;

    const AdminParam* param(const QString& name) const;
    QStringList paramNames() const;
    // "job_type=update_orders|calculate_pnl|... [exchange=E]": how to write the parameters on a command line.
    QString usage() const;
};

// The request an action turns into once its parameters are filled in.
struct AdminRequest {
    QByteArray method;
    QString path; // placeholders replaced, values percent-encoded
    QByteArray body; // compact JSON; empty when the action has no body
};

// The actions of a preset; empty for an unknown preset.
QList<AdminAction> adminPresetActions(const QString& preset);

// The preset's actions followed by the config's own; a config action replaces a preset one of the same name.
QList<AdminAction> adminActionsFor(const AdminServiceConfig& service);
AdminAction adminActionFromConfig(const AdminActionConfig& config);

// Empty when the parameters suit the action; otherwise one message that lists what is valid.
QString validateAdminParams(const AdminAction& action, const AdminParams& params);

// Fills the placeholders. A string that is exactly one placeholder of a parameter that was not given is
// left out of its object (or becomes null in an array); elsewhere a missing value becomes "".
AdminRequest buildAdminRequest(const AdminAction& action, const AdminParams& params);

// The config errors of `remediate: action:` entries: an action the service's admin entry does not offer, or
// parameters it does not take (FILE:LINE:COLUMN located). The loader has already checked the admin entry exists.
QList<ConfigError> validateRemediationActions(const Config& config);

// What the action will do, in words: "stop the scheduler on trading-api".
QString describeAdminAction(const QString& service, const AdminAction& action, const AdminParams& params);
// The question a confirmation asks: "Stop the scheduler on trading-api?"
QString adminConfirmationText(const QString& service, const AdminAction& action, const AdminParams& params);

} // namespace hd
