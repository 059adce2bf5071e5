#pragma once

#include "dependencygraph.h"
#include "rowstate.h"

#include <QHash>
#include <functional>

namespace hd {

// The one place healthdeck decides what the dependencies make of each row. From the services' statuses (the worst
// of their counted, in-hours, ungated rows) it marks every row with impactedBy (the root cause that takes its
// service down, or the service of the Alertmanager alert that inhibits it) and rootCause (its service fails and
// none of its rows is impacted). changed(key) is called for each row whose marks changed. The matrix, the banner,
// the notifications and `monitor`'s impacted_by all read these marks.
DependencyGraph::Impact markImpact(QHash<QString, RowState>& rows, const DependencyGraph& graph,
    const std::function<void(const QString& key)>& changed);

} // namespace hd
