/**
 * Resources as a folder tree. Each resource has my progress (slider + status, auto-saved
 * with a short debounce via PUT /resources/:id/progress) and every member's progress
 * (GET /resources/:id/progress/all, kept live by `progress:updated`).
 */
import { api, errorText, qs } from '../api';
import { avatar, clear, debounce, h, safeUrl, toast } from '../dom';
import { listen, session } from '../session';
import type { Progress, ProgressStatus, Resource } from '../types';

const STATUSES: [ProgressStatus, string][] = [
  ['not_started', 'Not started'],
  ['in_progress', 'In progress'],
  ['paused', 'Paused'],
  ['completed', 'Completed'],
];

export interface ResourcesPanel {
  el: HTMLElement;
  refresh(): Promise<void>;
  /** Re-reads `canEdit` (the group and my role load after the panel). */
  syncControls(): void;
  destroy(): void;
}

export function resourcesPanel(groupId: number, nameOf: (userId: string) => string | undefined, canEdit: () => boolean): ResourcesPanel {
  /** resourceId → userId → progress element updater */
  const others = new Map<number, (p: { userId: string; status: string; progressPercentage: number }) => void>();
  const mineUpdaters = new Map<number, (p: { status: string; progressPercentage: number }) => void>();
  const folders = new Map<number | null, HTMLElement>();
  const disposers: (() => void)[] = [];
  const root = h('ul', { class: 'tree', testid: 'resource-tree' });

  const othersView = (r: Resource): HTMLElement => {
    const box = h('div', { class: 'others', testid: `others-progress-${r.id}` });
    const entries = new Map<string, { status: string; progressPercentage: number }>();
    const render = (): void => {
      const me = session.me?.userId;
      const list = [...entries.entries()].filter(([id]) => id !== me);
      clear(
        box,
        list.length === 0
          ? h('span', { class: 'muted small' }, 'No one else has started this yet.')
          : list.map(([userId, p]) =>
              h(
                'span',
                {
                  class: `chip ${p.status}`,
                  testid: `progress-of-${userId}`,
                  'data-percent': p.progressPercentage,
                  title: `${nameOf(userId) ?? userId}: ${p.status.replace('_', ' ')}`,
                },
                avatar(userId, nameOf(userId) ?? userId),
                h('span', { class: 'sr-only' }, `${nameOf(userId) ?? userId}, ${p.status.replace('_', ' ')}:`),
                h('span', { class: 'mini-bar', 'aria-hidden': 'true' }, h('span', { style: `width:${p.progressPercentage}%` })),
                h('span', { class: 'small', testid: 'progress-percent' }, `${p.progressPercentage}%`),
              ),
            ),
      );
    };
    others.set(r.id, (p) => {
      entries.set(p.userId, p);
      render();
    });
    api
      .get<Progress[]>(`/resources/${r.id}/progress/all`)
      .then((all) => {
        for (const p of all) if (!entries.has(p.userId) || p.userId !== session.me?.userId) entries.set(p.userId, p);
        render();
      })
      .catch(() => render());
    return box;
  };

  const progressControls = (r: Resource): HTMLElement => {
    let status: ProgressStatus = r.myProgress?.status ?? 'not_started';
    let pct = r.myProgress?.progressPercentage ?? 0;
    const slider = h('input', {
      type: 'range',
      min: 0,
      max: 100,
      step: 5,
      value: pct,
      testid: `progress-slider-${r.id}`,
      'aria-label': `My progress on ${r.title}`,
    });
    const label = h('span', { class: 'pct', testid: `progress-value-${r.id}` }, `${pct}%`);
    const select = h(
      'select',
      { testid: `progress-status-${r.id}`, 'aria-label': `My status on ${r.title}` },
      STATUSES.map(([v, l]) => h('option', { value: v, selected: v === status }, l)),
    );
    const saved = h('span', { class: 'muted small saved', testid: `progress-saved-${r.id}`, role: 'status' });
    const paint = (): void => {
      slider.value = String(pct);
      slider.style.setProperty('--p', `${pct}%`);
      label.textContent = `${pct}%`;
      select.value = status;
    };
    const save = debounce(() => {
      saved.textContent = 'Saving…';
      api
        .put<Progress>(`/resources/${r.id}/progress`, { status, progressPercentage: pct })
        .then((p) => {
          status = p.status;
          pct = p.progressPercentage;
          paint();
          saved.textContent = 'Saved ✓';
        })
        .catch((e) => {
          saved.textContent = '';
          toast(errorText(e), 'error');
        });
    }, 400);
    disposers.push(() => save.flush());
    slider.addEventListener('input', () => {
      pct = Number(slider.value);
      if (pct === 100) status = 'completed';
      else if (pct > 0 && (status === 'not_started' || status === 'completed')) status = 'in_progress';
      else if (pct === 0 && status === 'completed') status = 'in_progress';
      paint();
      save();
    });
    select.addEventListener('change', () => {
      status = select.value as ProgressStatus;
      if (status === 'completed') pct = 100;
      else if (status === 'not_started') pct = 0;
      else if (pct === 100) pct = 95;
      paint();
      save();
    });
    mineUpdaters.set(r.id, (p) => {
      if (document.activeElement === slider || document.activeElement === select) return; // my own echo mid-drag
      status = p.status as ProgressStatus;
      pct = p.progressPercentage;
      paint();
    });
    paint();
    return h('div', { class: 'progress-controls' }, slider, label, select, saved);
  };

  const item = (r: Resource): HTMLElement => {
    const url = safeUrl(r.url);
    const title = url
      ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'res-title' }, r.title)
      : h('span', { class: 'res-title' }, r.title);
    if (r.resourceType === 'folder') {
      const children = h('ul', { class: 'tree', hidden: true });
      const toggle = h('button', { class: 'folder-toggle', type: 'button', testid: `folder-${r.id}`, 'aria-expanded': 'false' }, '▸ ', r.title);
      let loaded = false;
      toggle.addEventListener('click', () => {
        children.hidden = !children.hidden;
        toggle.setAttribute('aria-expanded', String(!children.hidden));
        if (toggle.firstChild) toggle.firstChild.textContent = children.hidden ? '▸ ' : '▾ ';
        if (!loaded) {
          loaded = true;
          void loadFolder(r.id, children);
        }
      });
      return h(
        'li',
        { class: 'res folder', testid: `resource-${r.id}` },
        toggle,
        r.description ? h('p', { class: 'muted small' }, r.description) : null,
        children,
      );
    }
    return h(
      'li',
      { class: 'res', testid: `resource-${r.id}` },
      h('div', { class: 'res-head' }, title, h('span', { class: `pill type-${r.resourceType}` }, r.resourceType)),
      r.description ? h('p', { class: 'muted small' }, r.description) : null,
      progressControls(r),
      othersView(r),
    );
  };

  const loadFolder = async (parentId: number | null, into: HTMLElement): Promise<void> => {
    folders.set(parentId, into);
    try {
      const items = await api.get<Resource[]>(`/groups/${groupId}/resources${qs({ parentFolderId: parentId })}`);
      items.sort((a, b) => Number(b.resourceType === 'folder') - Number(a.resourceType === 'folder') || a.title.localeCompare(b.title));
      clear(into, items.length ? items.map(item) : h('li', { class: 'muted small empty' }, parentId === null ? 'No resources yet.' : 'Empty folder.'));
    } catch (e) {
      clear(into, h('li', { class: 'form-error' }, errorText(e)));
    }
  };

  // Add a resource (in the root; leaders only in leader-led groups — the server decides).
  const title = h('input', { required: true, maxlength: 200, placeholder: 'Title', 'aria-label': 'Title of the new resource', testid: 'res-title' });
  const type = h(
    'select',
    { testid: 'res-type', 'aria-label': 'Kind of resource' },
    (['link', 'video', 'file', 'image', 'folder'] as const).map((t) => h('option', { value: t }, t)),
  );
  const url = h('input', { type: 'url', placeholder: 'https://…', 'aria-label': 'Link (https://…)', testid: 'res-url' });
  const addForm = h(
    'form',
    {
      class: 'row wrap add-resource',
      testid: 'add-resource',
      onsubmit: (e: SubmitEvent) => {
        e.preventDefault();
        const body: Record<string, unknown> = { title: title.value.trim(), resourceType: type.value };
        if (type.value !== 'folder') body.url = url.value.trim();
        api
          .post<Resource>(`/groups/${groupId}/resources`, body)
          .then(() => {
            title.value = '';
            url.value = '';
            return refresh();
          })
          .catch((err) => toast(errorText(err), 'error'));
      },
    },
    title,
    type,
    url,
    h('button', { class: 'btn primary small', type: 'submit' }, 'Add'),
  );
  type.addEventListener('change', () => (url.hidden = type.value === 'folder'));

  const refresh = async (): Promise<void> => {
    others.clear();
    mineUpdaters.clear();
    addForm.hidden = !canEdit();
    await loadFolder(null, root);
  };
  const refreshSoon = debounce(() => void refresh(), 300);
  disposers.push(
    listen('progress:updated', (p) => {
      if (p.groupId !== groupId) return;
      others.get(p.resourceId)?.(p);
      if (p.userId === session.me?.userId) mineUpdaters.get(p.resourceId)?.(p);
    }),
    listen('resource:created', (p) => p.groupId === groupId && refreshSoon()),
    listen('resource:updated', (p) => p.groupId === groupId && refreshSoon()),
    listen('resource:deleted', (p) => p.groupId === groupId && refreshSoon()),
  );
  const el = h(
    'section',
    { class: 'card resources', testid: 'resources', 'aria-labelledby': `res-title-${groupId}` },
    h('h2', { class: 'card-title', id: `res-title-${groupId}` }, 'Resources'),
    addForm,
    root,
  );
  void refresh();
  return {
    el,
    refresh,
    syncControls: () => (addForm.hidden = !canEdit()),
    destroy: () => {
      for (const d of disposers) d();
    },
  };
}
