// The application menu: the platform's standard menus (macOS needs Edit for copy and paste in text fields) plus
// Help → Check for Updates, Open Logs Folder, Export Diagnostics, which call the same contract handlers as Settings.
import { app, dialog, Menu, shell, type MenuItemConstructorOptions } from 'electron';
import type { Logger } from '../log/logger';
import type { Studio } from '../studio';

const labels = {
  en: {
    checkUpdates: 'Check for Updates…',
    openLogs: 'Open Logs Folder',
    exportDiagnostics: 'Export Diagnostics…',
    saved: 'Diagnostics saved',
    failed: 'Could not complete the action',
  },
  'zh-CN': {
    checkUpdates: '检查更新…',
    openLogs: '打开日志文件夹',
    exportDiagnostics: '导出诊断信息…',
    saved: '诊断信息已保存',
    failed: '操作未能完成',
  },
};

export function installAppMenu(studio: Studio, logger: Logger): void {
  const text = app.getLocale().toLowerCase().startsWith('zh') ? labels['zh-CN'] : labels.en;
  const run = (action: () => Promise<void>) => () => {
    action().catch((error: unknown) => {
      logger.error('menu action failed', error);
      dialog.showErrorBox(text.failed, error instanceof Error ? error.message : String(error));
    });
  };

  const help: MenuItemConstructorOptions[] = [
    {
      label: text.checkUpdates,
      click: run(async () => {
        await studio.handlers['updates.check'](undefined);
      }),
    },
    {
      label: text.openLogs,
      click: run(async () => {
        const { path, opened } = await studio.handlers['diagnostics.openLogs'](undefined);
        if (!opened) shell.showItemInFolder(path);
      }),
    },
    {
      label: text.exportDiagnostics,
      click: run(async () => {
        const { path } = await studio.handlers['diagnostics.export'](undefined);
        if (path) shell.showItemInFolder(path);
      }),
    },
  ];

  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    // Reload and developer tools only while developing: a packaged app has nothing to inspect for an artist.
    ...(app.isPackaged ? [] : [{ role: 'viewMenu' as const }]),
    { role: 'windowMenu' },
    { role: 'help', submenu: help },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
