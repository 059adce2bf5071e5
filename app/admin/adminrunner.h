#pragma once

#include "admin/adminaction.h"
#include "admin/admincatalog.h"
#include "admin/adminresult.h"

#include <QObject>

namespace hd {

// What the callers of admin actions see: auto-heal (RemediationPlanner) and the dashboard's panel. AdminClient runs
// the actions on the thread it lives in (`healthdeck admin`, `healthdeck monitor`); AdminService lives on its
// caller's thread and runs them on a thread of its own (the dashboard).
//
// finished() never comes from inside run(); started() and busyChanged(service, true) do, so a button can be
// disabled before control returns to the event loop.
class AdminRunner : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AdminRunner)

public:
    using QObject::QObject;
    ~AdminRunner() override = default;

    virtual bool isReadOnly() const = 0;
    // True while an attempt on the service is under way; a second run() on it is refused meanwhile.
    virtual bool isBusy(const QString& service) const = 0;

    // Starts one attempt and returns its id, echoed in AdminResult::requestId.
    virtual quint64 run(const QString& service, const QString& action, const AdminParams& params,
        AdminConfirmation confirmation = AdminConfirmation::NotConfirmed)
        = 0;
    // Runs an action that healthdeck starts on its own (auto-heal): confirmed by the config that asks for it. The
    // audit row names `initiator` as its user and its message reads "NOTE → 200 <the backend's message>".
    virtual quint64 runOnBehalf(const QString& service, const QString& action, const AdminParams& params,
        const QString& initiator, const QString& note)
        = 0;
    // Records an attempt that was not confirmed (the dialog was cancelled, there is no terminal, ...).
    virtual quint64 refuse(
        const QString& service, const QString& action, const AdminParams& params, const QString& reason)
        = 0;

Q_SIGNALS:
    void started(quint64 requestId, const QString& service, const QString& action);
    void busyChanged(const QString& service, bool busy);
    void finished(const hd::AdminResult& result);
    void secretStored(const QString& service, bool ok, const QString& error);
};

} // namespace hd
