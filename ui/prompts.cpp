#include "prompts.h"

#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace hd {

namespace {

std::optional<std::optional<AckAnswer>> s_nextAck;
std::optional<std::optional<qint64>> s_nextSilence;
std::optional<QString> s_nextSavePath;
std::optional<bool> s_nextConfirmation;
std::optional<QString> s_nextPassword;
QString s_lastText;

struct Choice {
    const char* label;
    qint64 ms;
};

// Durations offered by both dialogs; 0 means "until it recovers" for an ack.
QComboBox* durationBox(QWidget* parent, const QList<Choice>& choices, int current)
{
    auto* box = new QComboBox(parent);
    for (const Choice& c : choices)
        box->addItem(QDialog::tr(c.label), c.ms);
    box->setCurrentIndex(current);
    return box;
}

constexpr qint64 kMinute = 60'000;

} // namespace

std::optional<AckAnswer> Prompts::acknowledge(QWidget* parent, const QString& what)
{
    if (s_nextAck) {
        const std::optional<AckAnswer> answer = *s_nextAck;
        s_nextAck.reset();
        return answer;
    }
    QDialog dialog(parent);
    dialog.setObjectName(QStringLiteral("ackDialog"));
    dialog.setWindowTitle(QDialog::tr("Acknowledge %1").arg(what));
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(new QLabel(QDialog::tr("Take <b>%1</b>: the others see that someone is on it. "
                                             "Checks keep running; the acknowledgement ends when it recovers.")
                                     .arg(what.toHtmlEscaped()),
        &dialog));
    auto* form = new QFormLayout;
    auto* comment = new QLineEdit(&dialog);
    comment->setObjectName(QStringLiteral("ackComment"));
    comment->setPlaceholderText(QDialog::tr("What are you doing about it?"));
    auto* expiry = durationBox(&dialog,
        { { "Until it recovers", 0 }, { "30 minutes", 30 * kMinute }, { "1 hour", 60 * kMinute },
            { "4 hours", 240 * kMinute }, { "24 hours", 1440 * kMinute } },
        0);
    expiry->setObjectName(QStringLiteral("ackExpiry"));
    form->addRow(QDialog::tr("Comment:"), comment);
    form->addRow(QDialog::tr("Expires:"), expiry);
    layout->addLayout(form);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(QDialog::tr("Acknowledge"));
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return AckAnswer { comment->text().trimmed(), expiry->currentData().toLongLong() };
}

std::optional<qint64> Prompts::silenceFor(QWidget* parent, const QString& what)
{
    if (s_nextSilence) {
        const std::optional<qint64> answer = *s_nextSilence;
        s_nextSilence.reset();
        return answer;
    }
    QDialog dialog(parent);
    dialog.setObjectName(QStringLiteral("silenceDialog"));
    dialog.setWindowTitle(QDialog::tr("Silence %1").arg(what));
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(new QLabel(QDialog::tr("Mute the alerts of <b>%1</b> for a while (maintenance). "
                                             "Its checks keep running and the matrix keeps showing them.")
                                     .arg(what.toHtmlEscaped()),
        &dialog));
    auto* duration = durationBox(&dialog,
        { { "15 minutes", 15 * kMinute }, { "1 hour", 60 * kMinute }, { "4 hours", 240 * kMinute },
            { "12 hours", 720 * kMinute }, { "24 hours", 1440 * kMinute } },
        1);
    duration->setObjectName(QStringLiteral("silenceDuration"));
    auto* form = new QFormLayout;
    form->addRow(QDialog::tr("Silence for:"), duration);
    layout->addLayout(form);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(QDialog::tr("Silence"));
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return duration->currentData().toLongLong();
}

QString Prompts::saveCsvPath(QWidget* parent, const QString& suggested)
{
    if (s_nextSavePath) {
        const QString answer = *s_nextSavePath;
        s_nextSavePath.reset();
        return answer;
    }
    return QFileDialog::getSaveFileName(
        parent, QDialog::tr("Export alert history"), suggested, QDialog::tr("CSV files (*.csv)"));
}

bool Prompts::confirm(QWidget* parent, const QString& title, const QString& question)
{
    s_lastText = question;
    if (s_nextConfirmation) {
        const bool answer = *s_nextConfirmation;
        s_nextConfirmation.reset();
        return answer;
    }
    return QMessageBox::question(parent, title, question, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
        == QMessageBox::Yes;
}

std::optional<QString> Prompts::password(QWidget* parent, const QString& title, const QString& label)
{
    s_lastText = label;
    if (s_nextPassword) {
        const std::optional<QString> answer = s_nextPassword;
        s_nextPassword.reset();
        return answer;
    }
    bool ok = false;
    const QString text = QInputDialog::getText(parent, title, label, QLineEdit::Password, QString(), &ok);
    return ok ? std::optional<QString>(text) : std::nullopt;
}

QString Prompts::lastText()
{
    return s_lastText;
}

void Prompts::setNextConfirmation(std::optional<bool> answer)
{
    s_nextConfirmation = answer;
}

void Prompts::setNextPassword(std::optional<QString> password)
{
    s_nextPassword = std::move(password);
}

void Prompts::setNextAcknowledge(std::optional<AckAnswer> answer)
{
    s_nextAck = answer;
}

void Prompts::setNextSilence(std::optional<qint64> durationMs)
{
    s_nextSilence = durationMs;
}

void Prompts::setNextSavePath(const QString& path)
{
    s_nextSavePath = path;
}

} // namespace hd
