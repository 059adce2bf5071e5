#pragma once

#include <QStyledItemDelegate>

namespace hd {

// Paints the status matrix: section rows for groups, a coloured status chip
// with overlay badges, the latency, a sparkline of recent latency (failed
// results as red ticks) and the detail. Rows impacted by a dependency or off
// their calendar are greyed, so the root cause is what stands out.
class MatrixDelegate final : public QStyledItemDelegate {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MatrixDelegate)
public:
    explicit MatrixDelegate(QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

    // Draws a sparkline of (time, latency) points into rect; NaN latency = a failed result.
    static void paintSparkline(
        QPainter* painter, const QRectF& rect, const QList<QPointF>& points, const QColor& line, const QColor& failure);
    // A rounded chip with centred text; returns its width. An outlined chip is
    // filled with background when that is valid.
    static int paintChip(QPainter* painter, const QRect& rect, const QString& text, const QColor& fill,
        const QColor& textColor, bool outlined = false, const QColor& background = QColor());
};

} // namespace hd
