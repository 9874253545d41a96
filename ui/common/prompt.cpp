#include "prompt.h"

#include <utility>

#include <QFileDialog>
#include <QMessageBox>
#include <QPushButton>

namespace ServeDeck {

std::optional<bool> Prompt::s_nextConfirmation;
std::optional<QString> Prompt::s_nextFileName;

bool Prompt::confirm(QWidget *parent, const QString &title, const QString &text, const QString &action)
{
    if (s_nextConfirmation)
        return std::exchange(s_nextConfirmation, std::nullopt).value();
    QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::Cancel, parent);
    QPushButton *accept = box.addButton(action, QMessageBox::DestructiveRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    return box.clickedButton() == accept;
}

QString Prompt::saveFileName(QWidget *parent, const QString &caption, const QString &suggested)
{
    if (s_nextFileName)
        return std::exchange(s_nextFileName, std::nullopt).value();
    return QFileDialog::getSaveFileName(parent, caption, suggested);
}

QString Prompt::existingDirectory(QWidget *parent, const QString &caption, const QString &start)
{
    if (s_nextFileName)
        return std::exchange(s_nextFileName, std::nullopt).value();
    return QFileDialog::getExistingDirectory(parent, caption, start);
}

void Prompt::setNextConfirmation(bool answer)
{
    s_nextConfirmation = answer;
}

void Prompt::setNextFileName(const QString &path)
{
    s_nextFileName = path;
}

} // namespace ServeDeck
