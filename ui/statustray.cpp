#include "statustray.h"

#include "statuspalette.h"

#include <QPainter>
#include <QSystemTrayIcon>
#include <QWidget>

// The application icon lives in the resources library, linked statically.
static void initIconResources()
{
    static const bool done = [] {
        Q_INIT_RESOURCE(resources);
        return true;
    }();
    Q_UNUSED(done);
}

namespace hd {

QIcon statusIcon(Status status)
{
    initIconResources();
    QIcon icon;
    for (const int size : { 16, 32, 64, 128 }) {
        QPixmap pixmap(QStringLiteral(":/healthdeck/icons/healthdeck-%1.png").arg(size));
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        const qreal badge = size * 0.46;
        p.setPen(QPen(QColor(255, 255, 255), qMax(1.0, size / 24.0)));
        p.setBrush(statusColor(status));
        p.drawEllipse(QRectF(size - badge - 0.5, size - badge - 0.5, badge, badge));
        p.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

StatusTray::StatusTray(QWidget* window)
    : QObject(window)
    , m_window(window)
{
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(statusIcon(Status::Starting), this);
        m_tray->setObjectName(QStringLiteral("trayIcon"));
        m_tray->setToolTip(QStringLiteral("healthdeck"));
        connect(m_tray, &QSystemTrayIcon::activated, this, [this] {
            m_window->showNormal();
            m_window->raise();
            m_window->activateWindow();
        });
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, &StatusTray::messageClicked);
        m_tray->show();
    }
    m_window->setWindowIcon(statusIcon(Status::Starting));
}

void StatusTray::setStatus(Status worst, const QString& headline)
{
    if (m_tray)
        m_tray->setToolTip(QStringLiteral("healthdeck: ") + headline);
    if (worst == m_status)
        return;
    m_status = worst;
    const QIcon icon = statusIcon(worst);
    m_window->setWindowIcon(icon);
    if (m_tray)
        m_tray->setIcon(icon);
}

bool StatusTray::notify(const QString& title, const QString& body)
{
    if (!m_tray || !QSystemTrayIcon::supportsMessages())
        return false;
    m_tray->showMessage(title, body, QSystemTrayIcon::Critical, 15000);
    return true;
}

} // namespace hd
