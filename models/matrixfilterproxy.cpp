#include "matrixfilterproxy.h"

#include "core/status.h"
#include "matrixmodel.h"
#include "statusroles.h"

namespace hd {

MatrixFilterProxy::MatrixFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(true);
    setAutoAcceptChildRows(true);
    // Sorting and filtering row by row on every dataChanged costs a layout change (and a
    // pass over every persistent index) per parent; a poll batch re-sorts once instead.
    setDynamicSortFilter(false);
    setSortRole(SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void MatrixFilterProxy::setSourceModel(QAbstractItemModel* model)
{
    if (auto* old = qobject_cast<MatrixModel*>(sourceModel()))
        disconnect(old, &MatrixModel::orderChanged, this, &MatrixFilterProxy::onOrderChanged);
    QSortFilterProxyModel::setSourceModel(model);
    if (auto* matrix = qobject_cast<MatrixModel*>(model))
        connect(matrix, &MatrixModel::orderChanged, this, &MatrixFilterProxy::onOrderChanged);
}

void MatrixFilterProxy::onOrderChanged()
{
    if (!m_words.isEmpty())
        invalidateRowsFilter(); // a status or overlay the filter looks at may have changed
    if (sortColumn() >= 0)
        sort(sortColumn(), sortOrder());
}

void MatrixFilterProxy::setFilterText(const QString& text)
{
    const QString simplified = text.simplified();
    if (simplified == m_text)
        return;
    m_text = simplified;
    m_words = simplified.isEmpty() ? QStringList() : simplified.toLower().split(u' ');
    invalidateRowsFilter();
}

bool MatrixFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_words.isEmpty())
        return true;
    const QModelIndex index = sourceModel()->index(sourceRow, MatrixModel::ColName, sourceParent);
    const auto kind = MatrixModel::NodeKind(index.data(NodeKindRole).toInt());
    // Sections and services match by name only: "down" should not bring every check of a failing service along.
    QString haystack = index.data(Qt::DisplayRole).toString();
    if (kind == MatrixModel::NodeKind::Check) {
        haystack += u' ' + statusName(Status(index.data(StatusRole).toInt()));
        haystack += u' ' + index.data(OverlaysRole).toStringList().join(u' ');
        auto* model = qobject_cast<const MatrixModel*>(sourceModel());
        if (const auto row = model ? model->rowState(index.data(CheckKeyRole).toString()) : std::nullopt) {
            haystack += u' ' + row->key + u' ' + row->tags.join(u' ') + u' ' + row->impactedBy + u' '
                + severityName(row->severity);
        }
    }
    haystack = haystack.toLower();
    for (const QString& word : m_words) {
        if (!haystack.contains(word))
            return false;
    }
    return true;
}

bool MatrixFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    if (left.column() == MatrixModel::ColName) {
        const int a = left.data(AttentionRole).toInt(), b = right.data(AttentionRole).toInt();
        if (a != b)
            return a < b;
        const int oa = left.data(ConfigOrderRole).toInt(), ob = right.data(ConfigOrderRole).toInt();
        if (oa != ob)
            return oa < ob;
    }
    return QSortFilterProxyModel::lessThan(left, right);
}

} // namespace hd
