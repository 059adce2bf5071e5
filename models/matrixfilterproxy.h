#pragma once

#include <QSortFilterProxyModel>
#include <QStringList>

namespace hd {

// Display order and the filter box of the status matrix. Sorting by the name
// column means "by attention": root causes first while something fails, then
// the config order; the other columns sort by their raw SortRole values.
// The filter keeps a row when every word of the text appears in its service,
// check, item, group, tags, status or overlays; a matching service or group
// keeps all of its rows. It re-sorts and re-filters once per batch of the
// source (MatrixModel::orderChanged), not per changed row.
class MatrixFilterProxy final : public QSortFilterProxyModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MatrixFilterProxy)
public:
    explicit MatrixFilterProxy(QObject* parent = nullptr);

    void setFilterText(const QString& text);
    QString filterText() const { return m_text; }
    void setSourceModel(QAbstractItemModel* model) override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    void onOrderChanged();

    QString m_text;
    QStringList m_words;
};

} // namespace hd
