#include "impact.h"

#include <QSet>

using namespace Qt::StringLiterals;

namespace hd {

DependencyGraph::Impact markImpact(QHash<QString, RowState>& rows, const DependencyGraph& graph,
    const std::function<void(const QString& key)>& changed)
{
    QHash<QString, Status> serviceStatus;
    for (const RowState& row : std::as_const(rows)) {
        if (!row.counts || row.offHours || row.gated)
            continue;
        auto it = serviceStatus.find(row.service);
        if (it == serviceStatus.end())
            serviceStatus.insert(row.service, row.status);
        else
            *it = worst(*it, row.status);
    }
    const DependencyGraph::Impact impact = graph.impact(serviceStatus);
    QHash<QString, QString> alertServices; // fingerprint -> service, for "inhibited by"
    for (const RowState& row : std::as_const(rows)) {
        if (row.result.alert)
            alertServices.insert(row.result.alert->fingerprint, row.service);
    }
    for (auto it = rows.begin(); it != rows.end(); ++it) {
        QString by = impact.rootOf(it->service);
        if (by.isEmpty() && it->result.alert && !it->result.alert->inhibitedBy.isEmpty()) {
            // Inhibited in Alertmanager: impacted by the service of the alert that inhibits it.
            const QString fingerprint = it->result.alert->inhibitedBy.first();
            by = alertServices.value(fingerprint, u"alert "_s + fingerprint);
        }
        if (by != it->impactedBy) {
            it->impactedBy = by;
            it->impacted = !by.isEmpty();
            changed(it.key());
        }
    }
    // A root cause: a failing service none of whose rows is impacted. Every row of the service carries it.
    QSet<QString> impactedServices;
    for (const RowState& row : std::as_const(rows)) {
        if (row.impacted)
            impactedServices.insert(row.service);
    }
    for (auto it = rows.begin(); it != rows.end(); ++it) {
        const bool root = isDependencyFailure(serviceStatus.value(it->service, Status::Starting))
            && !impactedServices.contains(it->service);
        if (root != it->rootCause) {
            it->rootCause = root;
            changed(it.key());
        }
    }
    return impact;
}

} // namespace hd
