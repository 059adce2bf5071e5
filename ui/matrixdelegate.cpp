#include "matrixdelegate.h"

#include "models/matrixmodel.h"
#include "models/plotmath.h"
#include "models/statusroles.h"
#include "statuspalette.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>
#include <cmath>

namespace hd {

MatrixDelegate::MatrixDelegate(QObject* parent)
    : QStyledItemDelegate(parent)
{
}

QSize MatrixDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    s.setHeight(qMax(s.height(), option.fontMetrics.height() + 10));
    if (index.column() == MatrixModel::ColStatus)
        s.setWidth(qMax(s.width(), 160));
    if (index.column() == MatrixModel::ColTrend)
        s.setWidth(qMax(s.width(), 120));
    return s;
}

int MatrixDelegate::paintChip(QPainter* painter, const QRect& rect, const QString& text, const QColor& fill,
    const QColor& textColor, bool outlined, const QColor& background)
{
    QFont font = painter->font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 0.85);
    const QFontMetrics fm(font);
    const int width = fm.horizontalAdvance(text) + 14;
    const QRect chip(rect.left(), rect.center().y() - (fm.height() + 4) / 2, width, fm.height() + 4);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    if (outlined) {
        painter->setPen(QPen(fill, 1.5));
        painter->setBrush(background.isValid() ? QBrush(background) : QBrush(Qt::NoBrush));
    } else {
        painter->setPen(Qt::NoPen);
        painter->setBrush(fill);
    }
    painter->drawRoundedRect(QRectF(chip).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
    painter->setFont(font);
    painter->setPen(outlined ? fill : textColor);
    painter->drawText(chip, Qt::AlignCenter, text);
    painter->restore();
    return width;
}

void MatrixDelegate::paintSparkline(
    QPainter* painter, const QRectF& rect, const QList<QPointF>& points, const QColor& line, const QColor& failure)
{
    if (points.isEmpty())
        return;
    double maxY = 0;
    for (const QPointF& p : points) {
        if (!std::isnan(p.y()))
            maxY = qMax(maxY, p.y());
    }
    const LinearScale x { points.first().x(), points.last().x(), rect.left() + 1, rect.right() - 1 };
    const LinearScale y { 0, maxY > 0 ? maxY * 1.1 : 1, rect.bottom() - 1, rect.top() + 1 };
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QPainterPath path;
    bool open = false;
    for (const QPointF& p : points) {
        if (std::isnan(p.y())) {
            open = false;
            continue;
        }
        const QPointF at(x.map(p.x()), y.map(p.y()));
        if (open)
            path.lineTo(at);
        else
            path.moveTo(at);
        open = true;
    }
    painter->setPen(QPen(line, 1.4));
    painter->drawPath(path);
    painter->setPen(QPen(failure, 2));
    for (const QPointF& p : points) {
        if (std::isnan(p.y())) {
            const double px = x.map(p.x());
            painter->drawLine(QPointF(px, rect.bottom() - 1), QPointF(px, rect.bottom() - rect.height() * 0.45));
        }
    }
    painter->restore();
}

void MatrixDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget* widget = opt.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    const auto kind = MatrixModel::NodeKind(index.data(NodeKindRole).toInt());
    const QStringList overlays = index.data(OverlaysRole).toStringList();
    const bool selected = opt.state & QStyle::State_Selected;
    const bool muted = overlays.contains(QStringLiteral("impacted")) || overlays.contains(QStringLiteral("off-hours"));

    // Background (selection, hover) from the style, then a tint for section rows.
    const QString text = opt.text;
    opt.text.clear();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
    if (kind == MatrixModel::NodeKind::Group && !selected) {
        QColor tint = opt.palette.color(QPalette::Mid);
        tint.setAlpha(70);
        painter->fillRect(opt.rect, tint);
    }

    const QColor textColor = selected ? opt.palette.color(QPalette::HighlightedText)
        : muted                       ? mutedColor(opt.palette)
                                      : opt.palette.color(QPalette::Text);
    const QRect r = opt.rect.adjusted(6, 0, -6, 0);
    const auto status = Status(index.data(StatusRole).toInt());

    painter->save();
    QFont font = opt.font;
    if (kind != MatrixModel::NodeKind::Check && index.column() == MatrixModel::ColName)
        font.setBold(true);
    if (kind == MatrixModel::NodeKind::Group && index.column() == MatrixModel::ColName)
        font.setCapitalization(QFont::AllUppercase);
    painter->setFont(font);
    painter->setPen(textColor);

    switch (index.column()) {
    case MatrixModel::ColStatus: {
        // Only a failure the row is responsible for gets a filled chip: healthy and
        // impacted rows stay quiet so that the root cause is what the eye finds.
        const QColor fill = muted ? mutedColor(opt.palette) : statusColor(status);
        const bool quiet = muted || status == Status::Ok || status == Status::Starting;
        // On the selection colour an outline alone is unreadable: give it the row's usual background.
        const QColor chipBackground = selected ? opt.palette.color(QPalette::Base) : QColor();
        int x = r.left();
        x += paintChip(painter, QRect(x, r.top(), r.width(), r.height()), text.toUpper(), fill, statusTextColor(status),
                 quiet, chipBackground)
            + 4;
        for (const QString& overlay : overlays) {
            if (x > r.right() - 30)
                break;
            x += paintChip(painter, QRect(x, r.top(), r.right() - x, r.height()), overlayLabel(overlay),
                     overlayColor(overlay), Qt::white, overlay != u"root-cause", chipBackground)
                + 4;
        }
        break;
    }
    case MatrixModel::ColTrend:
        if (kind == MatrixModel::NodeKind::Check) {
            const QList<QPointF> points = index.data(SparklineRole).value<QList<QPointF>>();
            paintSparkline(painter, QRectF(r).adjusted(0, 4, 0, -4), points,
                muted ? mutedColor(opt.palette)
                      : opt.palette.color(selected ? QPalette::HighlightedText : QPalette::Text),
                muted ? mutedColor(opt.palette) : statusColor(Status::Down));
        }
        break;
    case MatrixModel::ColLatency:
        painter->drawText(r, Qt::AlignRight | Qt::AlignVCenter, text);
        break;
    case MatrixModel::ColName: {
        // A row that is not healthdeck's own probe says where it comes from, right after its name.
        const QString source = index.data(SourceRole).toString();
        if (source.isEmpty()) {
            painter->drawText(r, Qt::AlignLeft | Qt::AlignVCenter,
                painter->fontMetrics().elidedText(text, Qt::ElideRight, r.width()));
            break;
        }
        QFont chipFont = font;
        chipFont.setBold(true);
        chipFont.setPointSizeF(chipFont.pointSizeF() * 0.85);
        const int chipWidth = QFontMetrics(chipFont).horizontalAdvance(source) + 14;
        const QString shown
            = painter->fontMetrics().elidedText(text, Qt::ElideRight, qMax(0, r.width() - chipWidth - 6));
        painter->drawText(r, Qt::AlignLeft | Qt::AlignVCenter, shown);
        const int x = r.left() + painter->fontMetrics().horizontalAdvance(shown) + 6;
        paintChip(painter, QRect(x, r.top(), chipWidth, r.height()), source, overlayColor(QStringLiteral("source")),
            Qt::white, true, selected ? opt.palette.color(QPalette::Base) : QColor());
        break;
    }
    default:
        painter->drawText(
            r, Qt::AlignLeft | Qt::AlignVCenter, painter->fontMetrics().elidedText(text, Qt::ElideRight, r.width()));
        break;
    }
    painter->restore();
}

} // namespace hd
