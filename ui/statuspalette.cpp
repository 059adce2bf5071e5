#include "statuspalette.h"

namespace hd {

QColor statusColor(Status status)
{
    switch (status) {
    case Status::Ok:
        return QColor(0x2e, 0x9d, 0x4f);
    case Status::Starting:
        return QColor(0x3b, 0x82, 0xc4);
    case Status::Degraded:
        return QColor(0xe0, 0xa1, 0x1b);
    case Status::Unknown:
        return QColor(0x8a, 0x63, 0xc7);
    case Status::Stale:
        return QColor(0xc2, 0x6a, 0x1a);
    case Status::Down:
        return QColor(0xd2, 0x3b, 0x3b);
    }
    return Qt::gray;
}

QColor statusTextColor(Status status)
{
    return status == Status::Degraded ? QColor(0x20, 0x20, 0x20) : QColor(Qt::white);
}

QColor overlayColor(const QString& overlay)
{
    if (overlay == u"root-cause")
        return QColor(0xd2, 0x3b, 0x3b);
    if (overlay == u"pending")
        return QColor(0xe0, 0xa1, 0x1b);
    if (overlay == u"impacted")
        return QColor(0x7a, 0x7f, 0x87);
    if (overlay == u"off-hours")
        return QColor(0x5b, 0x6b, 0x7d);
    if (overlay == u"acknowledged")
        return QColor(0x3b, 0x82, 0xc4);
    if (overlay == u"silenced")
        return QColor(0x6d, 0x5f, 0x9e);
    if (overlay == u"flapping")
        return QColor(0xb8, 0x4d, 0x9a);
    if (overlay == u"source") // the badge of a row from another system (Alertmanager)
        return QColor(0xc0, 0x56, 0x21);
    if (overlay == u"healing")
        return QColor(0x2e, 0x8b, 0x57);
    return QColor(0x80, 0x80, 0x80);
}

QString overlayLabel(const QString& overlay)
{
    if (overlay == u"acknowledged")
        return QStringLiteral("ACK");
    if (overlay == u"root-cause")
        return QStringLiteral("ROOT CAUSE");
    return overlay.toUpper();
}

QColor mutedColor(const QPalette& palette)
{
    return isDark(palette) ? QColor(0x8a, 0x8f, 0x98) : QColor(0x8c, 0x90, 0x96);
}

bool isDark(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QPalette themePalette(Theme theme)
{
    if (theme == Theme::System)
        return QPalette(); // nothing set: the platform's palette shows through, and follows it when it changes
    QPalette p;
    if (theme == Theme::Dark) {
        const QColor window(0x23, 0x26, 0x2b), base(0x1b, 0x1d, 0x21), text(0xe6, 0xe8, 0xeb);
        p.setColor(QPalette::Window, window);
        p.setColor(QPalette::WindowText, text);
        p.setColor(QPalette::Base, base);
        p.setColor(QPalette::AlternateBase, QColor(0x25, 0x28, 0x2e));
        p.setColor(QPalette::Text, text);
        p.setColor(QPalette::Button, QColor(0x2d, 0x31, 0x37));
        p.setColor(QPalette::ButtonText, text);
        p.setColor(QPalette::ToolTipBase, QColor(0x2d, 0x31, 0x37));
        p.setColor(QPalette::ToolTipText, text);
        p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xb3));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x8f, 0x98));
        p.setColor(QPalette::Link, QColor(0x6c, 0xb0, 0xf5));
        p.setColor(QPalette::Mid, QColor(0x3a, 0x3e, 0x45));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x70, 0x74, 0x7a));
        p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x70, 0x74, 0x7a));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x70, 0x74, 0x7a));
        return p;
    }
    const QColor window(0xf4, 0xf5, 0xf7), text(0x1d, 0x20, 0x24);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xf7, 0xf8, 0xfa));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0xe9, 0xeb, 0xee));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xe8));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xb3));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(0x8c, 0x90, 0x96));
    p.setColor(QPalette::Mid, QColor(0xc8, 0xcc, 0xd2));
    return p;
}

QString themeName(Theme theme)
{
    switch (theme) {
    case Theme::Light:
        return QStringLiteral("light");
    case Theme::Dark:
        return QStringLiteral("dark");
    case Theme::System:
        break;
    }
    return QStringLiteral("system");
}

Theme themeFromName(const QString& name)
{
    if (name == u"light")
        return Theme::Light;
    if (name == u"dark")
        return Theme::Dark;
    return Theme::System;
}

} // namespace hd
