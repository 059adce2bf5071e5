#include "matrixpane.h"

#include "matrixdelegate.h"
#include "models/matrixfilterproxy.h"
#include "models/matrixmodel.h"
#include "models/statusroles.h"

#include <QHeaderView>
#include <QKeyEvent>
#include <QLineEdit>
#include <QTreeView>
#include <QVBoxLayout>

namespace hd {

MatrixPane::MatrixPane(MatrixModel* model, MatrixFilterProxy* proxy, QWidget* parent)
    : QWidget(parent)
    , m_proxy(proxy)
    , m_filter(new QLineEdit(this))
    , m_view(new QTreeView(this))
{
    m_filter->setObjectName(QStringLiteral("matrixFilter"));
    m_view->setObjectName(QStringLiteral("matrixView"));
    m_proxy->setSourceModel(model); // first: the column widths below need the columns
    m_view->setModel(m_proxy);
    m_view->setItemDelegate(new MatrixDelegate(m_view));
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(MatrixModel::ColName, Qt::AscendingOrder);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->setMouseTracking(true);
    m_view->installEventFilter(this);
    QHeaderView* header = m_view->header();
    header->setStretchLastSection(true);
    // Narrow status and trend columns leave the room to Detail, which says why.
    header->resizeSection(MatrixModel::ColName, 255);
    header->resizeSection(MatrixModel::ColStatus, 165);
    header->resizeSection(MatrixModel::ColLatency, 75);
    header->resizeSection(MatrixModel::ColTrend, 110);
    header->resizeSection(MatrixModel::ColSince, 75);
    m_filter->setPlaceholderText(tr("Filter by name, tag or status (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->installEventFilter(this);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &MatrixFilterProxy::setFilterText);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (!text.isEmpty())
            m_view->expandAll();
    });
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex& parent, int first, int last) {
        // New sections and services open; sub-checks stay folded under their check, and
        // what the user folded stays folded.
        for (int r = first; r <= last; ++r) {
            const QModelIndex index = m_proxy->index(r, 0, parent);
            if (MatrixModel::NodeKind(index.data(NodeKindRole).toInt()) == MatrixModel::NodeKind::Check)
                continue;
            m_view->expand(index);
            for (int c = 0; c < m_proxy->rowCount(index); ++c)
                m_view->expand(m_proxy->index(c, 0, index));
        }
    });
    connect(m_view, &QTreeView::doubleClicked, this, &MatrixPane::detailRequested);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);
}

void MatrixPane::focusFilter()
{
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

bool MatrixPane::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if (watched == m_view && (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)) {
            Q_EMIT detailRequested();
            return true;
        }
        if (watched == m_filter && key->key() == Qt::Key_Escape) {
            m_filter->clear();
            m_view->setFocus();
            return true;
        }
        if (watched == m_filter && (key->key() == Qt::Key_Down || key->key() == Qt::Key_Return)) {
            m_view->setFocus();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace hd
