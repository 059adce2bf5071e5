#include "awaylog.h"

#include "statuspalette.h"

#include <QDockWidget>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>

namespace hd {

AwayLog::AwayLog(QWidget* window)
    : QObject(window)
    , m_banner(new QWidget(window))
    , m_text(new QLabel(m_banner))
    , m_dock(new QDockWidget(tr("While you were away"), window))
    , m_list(new QListWidget(m_dock))
{
    m_banner->setObjectName(QStringLiteral("missedBanner"));
    m_dock->setObjectName(QStringLiteral("missedDock"));
    m_list->setObjectName(QStringLiteral("missedList"));
    auto* layout = new QHBoxLayout(m_banner);
    layout->setContentsMargins(8, 4, 8, 4);
    auto* show = new QPushButton(tr("Show"), m_banner);
    auto* dismiss = new QPushButton(tr("Dismiss"), m_banner);
    show->setObjectName(QStringLiteral("missedShow"));
    dismiss->setObjectName(QStringLiteral("missedDismiss"));
    layout->addWidget(m_text, 1);
    layout->addWidget(show);
    layout->addWidget(dismiss);
    m_banner->setAutoFillBackground(true);
    QPalette palette = m_banner->palette();
    palette.setColor(QPalette::Window, statusColor(Status::Starting));
    palette.setColor(QPalette::WindowText, Qt::white);
    m_banner->setPalette(palette);
    m_banner->hide();
    connect(show, &QPushButton::clicked, this, [this] {
        m_dock->show();
        m_banner->hide();
        m_unseen = 0;
    });
    connect(dismiss, &QPushButton::clicked, this, [this] {
        m_banner->hide();
        m_unseen = 0;
    });
    m_dock->setWidget(m_list);
}

void AwayLog::record(const QString& line, Status colour)
{
    m_lines << line;
    auto* item = new QListWidgetItem(line, m_list);
    item->setForeground(statusColor(colour));
    ++m_unseen;
}

void AwayLog::showUnseen()
{
    if (m_unseen == 0)
        return;
    m_text->setText(tr("While you were away: %n alert(s) and recoveries. Newest: %1", nullptr, m_unseen)
                        .arg(m_lines.isEmpty() ? QString() : m_lines.last()));
    m_banner->show();
}

} // namespace hd
