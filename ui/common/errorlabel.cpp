#include "errorlabel.h"

#include "ui/common/theme.h"

namespace ServeDeck {

ErrorLabel::ErrorLabel(const QString &objectName, QWidget *parent)
    : QLabel(parent)
{
    setObjectName(objectName);
    setStyleSheet(Theme::textStyle(Theme::Role::Error));
    setWordWrap(true);
    hide();
}

void ErrorLabel::showProblem(const QString &text)
{
    setText(text);
    setVisible(!text.isEmpty());
}

void ErrorLabel::showProblems(const QStringList &problems)
{
    showProblem(problems.join(u'\n'));
}

} // namespace ServeDeck
