#pragma once

#include <optional>

#include <QString>

class QWidget;

namespace ServeDeck {

// Questions the console asks the operator (confirmations, file and folder pickers), behind one
// door tests can answer: a setNext…() answer is used once, instead of showing the dialog.
class Prompt final
{
public:
    Prompt() = delete;

    // A destructive action: true when the operator chose `action` (the default button is Cancel).
    static bool confirm(QWidget *parent, const QString &title, const QString &text, const QString &action);
    // Empty when cancelled.
    static QString saveFileName(QWidget *parent, const QString &caption, const QString &suggested);
    static QString existingDirectory(QWidget *parent, const QString &caption, const QString &start);

    static void setNextConfirmation(bool answer);
    static void setNextFileName(const QString &path);

private:
    static std::optional<bool> s_nextConfirmation;
    static std::optional<QString> s_nextFileName;
};

} // namespace ServeDeck
