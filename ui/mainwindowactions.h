#pragma once
// The main window's actions (keys), menus and the shortcut overlay's groups: MainWindow::buildActions,
// buildMenus, updateActions and updateRecentMenu live in mainwindowactions.cpp, apart from the wiring.
#include "mainwindow.h"

class QAction;

namespace fc::ui {

struct MainWindow::Actions {
    QAction *accept = nullptr, *reject = nullptr, *acceptNext = nullptr, *acceptAll = nullptr,
            *undo = nullptr;
    QAction *next = nullptr, *previous = nullptr, *addCode = nullptr, *removeCode = nullptr;
    QAction *moveUp = nullptr, *moveDown = nullptr, *nextChart = nullptr, *previousChart = nullptr;
    QAction *done = nullptr, *exportChart = nullptr, *import = nullptr, *filter = nullptr, *help = nullptr;
    QAction *byUncertainty = nullptr, *blindPass = nullptr, *reveal = nullptr, *cancelAnalysis = nullptr;
};

} // namespace fc::ui
