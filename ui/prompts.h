#pragma once

#include <QString>
#include <optional>

class QWidget;

namespace hd {

struct AckAnswer {
    QString comment;
    qint64 expiresInMs = 0; // 0: until the check recovers
};

// The dialogs the dashboard asks questions with. Tests answer them ahead of
// time through the setNext* seams (the next call returns that answer without
// showing anything), as KeePassXC's MessageBox::setNextAnswer does.
class Prompts final {
public:
    Prompts() = delete;

    // nullopt: cancelled.
    static std::optional<AckAnswer> acknowledge(QWidget* parent, const QString& what);
    // How long to silence, in ms; nullopt: cancelled.
    static std::optional<qint64> silenceFor(QWidget* parent, const QString& what);
    // A file to write; empty: cancelled.
    static QString saveCsvPath(QWidget* parent, const QString& suggested);
    // A yes-or-cancel question; Cancel is the default. True: yes.
    static bool confirm(QWidget* parent, const QString& title, const QString& question);
    // A password, typed hidden; nullopt: cancelled.
    static std::optional<QString> password(QWidget* parent, const QString& title, const QString& label);
    // The text the last confirm() or password() asked, whether shown or answered through a seam.
    static QString lastText();

    static void setNextAcknowledge(std::optional<AckAnswer> answer);
    static void setNextSilence(std::optional<qint64> durationMs);
    static void setNextSavePath(const QString& path);
    // nullopt shows the dialog again.
    static void setNextConfirmation(std::optional<bool> answer);
    static void setNextPassword(std::optional<QString> password);
};

} // namespace hd
