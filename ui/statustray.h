#pragma once

#include "core/status.h"

#include <QIcon>
#include <QObject>

class QSystemTrayIcon;
class QWidget;

namespace hd {

// The application icon with the worst status as a badge in its corner, at each size a desktop asks for.
QIcon statusIcon(Status status);

// The window's icon and, where the desktop has a tray, the tray icon: both wear the worst status, the tray's tooltip
// says the headline, and failure notices become tray messages. A click on the icon raises the window; a click on a
// message is messageClicked().
class StatusTray final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusTray)
public:
    explicit StatusTray(QWidget* window);

    void setStatus(Status worst, const QString& headline);
    // False where the desktop shows no messages.
    bool notify(const QString& title, const QString& body);

Q_SIGNALS:
    void messageClicked();

private:
    QWidget* m_window;
    QSystemTrayIcon* m_tray = nullptr;
    Status m_status = Status::Starting;
};

} // namespace hd
