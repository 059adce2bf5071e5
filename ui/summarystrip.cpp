#include "summarystrip.h"

#include "models/displaytext.h"
#include "models/statusroles.h"
#include "statuspalette.h"

#include <QEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace hd {

SummaryStrip::SummaryStrip(QWidget* parent)
    : QFrame(parent)
    , m_headline(new QLabel(this))
    , m_counts(new QLabel(this))
    , m_lastPoll(new QLabel(this))
    , m_config(new QLabel(this))
{
    setObjectName(QStringLiteral("summaryStrip"));
    m_headline->setObjectName(QStringLiteral("worstStatusLabel"));
    m_counts->setObjectName(QStringLiteral("statusCounts"));
    m_lastPoll->setObjectName(QStringLiteral("lastPollLabel"));
    m_config->setObjectName(QStringLiteral("configPathLabel"));
    m_headline->setTextFormat(Qt::PlainText);
    m_headline->setWordWrap(true);
    m_headline->setMargin(8);
    m_headline->setAutoFillBackground(true);
    m_counts->setTextFormat(Qt::RichText);
    m_config->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont big = m_headline->font();
    big.setPointSizeF(big.pointSizeF() * 1.45);
    big.setBold(true);
    m_headline->setFont(big);

    auto* right = new QVBoxLayout;
    right->setSpacing(2);
    right->addWidget(m_counts);
    right->addWidget(m_lastPoll);
    right->addWidget(m_config);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->addWidget(m_headline, 1);
    layout->addLayout(right);
    m_headline->setText(tr("Waiting for the first results\u2026"));
    m_lastPoll->setText(tr("No poll yet"));
    restyle();
}

QString SummaryStrip::headline() const
{
    return m_headline->text();
}

void SummaryStrip::setSummary(const MatrixModel::Summary& s, const MatrixModel& model)
{
    m_empty = s.total == 0 && s.offHours == 0;
    m_worst = s.worst;
    QString text;
    if (m_empty) {
        text = tr("Waiting for the first results\u2026");
        m_worst = Status::Starting;
    } else if (s.failing()) {
        QStringList impacted;
        Status rootWorst = Status::Stale;
        for (const QString& root : s.rootCauses) {
            impacted += model.impactedServices(root);
            rootWorst = worst(rootWorst, Status(model.indexOfService(root).data(StatusRole).toInt()));
        }
        impacted.removeDuplicates();
        m_worst = rootWorst;
        text = statusName(rootWorst).toUpper() + u": " + s.rootCauses.join(QStringLiteral(", "));
        if (!impacted.isEmpty())
            text += u"  \u2014  " + tr("also affects %1").arg(impacted.join(QStringLiteral(", ")));
    } else if (s.worst == Status::Ok) {
        text = tr("ALL OK \u00b7 %n check(s)", nullptr, s.total);
    } else if (s.worst == Status::Starting) {
        text
            = tr("STARTING \u00b7 %1 of %2 checks have reported").arg(s.total - s.count(Status::Starting)).arg(s.total);
    } else {
        const int bad
            = s.count(Status::Degraded) + s.count(Status::Unknown) + s.count(Status::Stale) + s.count(Status::Down);
        text = statusName(s.worst).toUpper() + u": " + tr("%n check(s) need a look", nullptr, bad);
    }
    m_headline->setText(text);

    QStringList parts;
    for (Status st : { Status::Down, Status::Stale, Status::Unknown, Status::Degraded, Status::Starting, Status::Ok }) {
        const int n = s.count(st);
        if (n == 0 && st != Status::Ok && st != Status::Down)
            continue;
        parts << QStringLiteral("<span style='color:%1'>\u25cf</span> <b>%2</b> %3")
                     .arg(statusColor(st).name())
                     .arg(n)
                     .arg(statusName(st));
        if (st == Status::Down && s.impacted > 0)
            parts.last() += tr(" (%1 impacted)").arg(s.impacted);
    }
    if (s.offHours > 0)
        parts << tr("%1 off-hours").arg(s.offHours);
    m_counts->setText(parts.join(QStringLiteral(" &nbsp; ")));
    m_lastPoll->setText(s.lastPoll.isValid() ? tr("Last poll %1").arg(formatClock(s.lastPoll)) : tr("No poll yet"));
    restyle();
}

void SummaryStrip::setConfigPath(const QString& path)
{
    m_config->setText(tr("Config: %1").arg(QFileInfo(path).fileName()));
    m_config->setToolTip(path);
}

void SummaryStrip::changeEvent(QEvent* event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        restyle();
}

void SummaryStrip::restyle()
{
    QPalette p = m_headline->palette();
    p.setColor(QPalette::Window, statusColor(m_worst));
    p.setColor(QPalette::WindowText, statusTextColor(m_worst));
    m_headline->setPalette(p);
}

} // namespace hd
