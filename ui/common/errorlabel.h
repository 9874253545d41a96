#pragma once

#include <QLabel>

namespace ServeDeck {

// A refusal shown in place, under the field or button it concerns: the theme's error colour,
// wrapped, and hidden while there is nothing to say.
class ErrorLabel final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ErrorLabel)

public:
    ErrorLabel(const QString &objectName, QWidget *parent);

    // Empty hides the label; several problems stand one a line.
    void showProblem(const QString &text);
    void showProblems(const QStringList &problems);
};

} // namespace ServeDeck
