/**
 * Resources as a folder tree. Each resource has my progress (slider + status, auto-saved
 * with a short debounce via PUT /resources/:id/progress) and every member's progress
 * (GET /resources/:id/progress/all, kept live by `progress:updated`).
 */
import { api, errorText } from '../api';
import { RESOURCE_TYPES } from '../../../src/shared/enums';
import { avatar, chosen, clear, debounce, h, safeUrl, toast } from '../dom';
import { listen, session } from '../session';
import type { ProgressStatus, Resource, RestBody } from '../types';
import { contentUrl, formatBytes, uploadResource } from '../uploads';

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
    api('GET /api/resources/:id/progress/all', { params: { id: r.id } })
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
      api('PUT /api/resources/:id/progress', { params: { id: r.id }, body: { status, progressPercentage: pct } })
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

  /**
   * Uploaded content: links and media get a short-lived content URL (15 min); a click on a
   * link whose URL is older than 10 min fetches a fresh one first, and a video that fails
   * mid-way (its URL expired) resumes where it was with a fresh one.
   */
  const storedContent = (r: Resource, title: HTMLAnchorElement): HTMLElement => {
    const links: HTMLAnchorElement[] = [title];
    let fetchedAt = 0;
    let media: HTMLImageElement | HTMLVideoElement | null = null;
    const refresh = async (): Promise<string> => {
      const url = await contentUrl(r.id);
      fetchedAt = Date.now();
      for (const a of links) a.href = url;
      if (media) media.src = url;
      return url;
    };
    const fresh = (e: MouseEvent): void => {
      if (Date.now() - fetchedAt < 10 * 60_000) return;
      e.preventDefault();
      const a = e.currentTarget as HTMLAnchorElement;
      void refresh().then(() => a.click());
    };
    let box: HTMLElement;
    if (r.resourceType === 'image') {
      media = h('img', { alt: r.title, loading: 'lazy', testid: `res-thumb-${r.id}` });
      const link = h('a', { class: 'res-thumb', target: '_blank', rel: 'noopener noreferrer', onclick: fresh }, media);
      links.push(link);
      box = link;
    } else if (r.resourceType === 'video') {
      const video = h('video', { class: 'res-video', controls: true, preload: 'metadata', testid: `res-video-${r.id}` });
      let retried = false;
      video.addEventListener('error', () => {
        if (retried || !video.src) return;
        retried = true;
        const at = video.currentTime;
        void refresh().then(() => {
          video.currentTime = at;
        });
      });
      media = video;
      box = video;
    } else {
      const download = h(
        'a',
        { class: 'btn small', download: '', testid: `res-download-${r.id}`, onclick: fresh },
        'Download',
        r.fileSize !== null ? ` · ${formatBytes(r.fileSize)}` : '',
      );
      links.push(download);
      box = h('div', { class: 'res-file' }, download, r.contentType ? h('span', { class: 'muted small' }, r.contentType.split(';')[0]) : null);
    }
    title.addEventListener('click', fresh);
    refresh().catch(() => undefined);
    return h('div', { class: 'res-content' }, box);
  };

  const item = (r: Resource): HTMLElement => {
    const url = safeUrl(r.url);
    const title =
      r.contentType !== null && r.contentType !== undefined
        ? h('a', { target: '_blank', rel: 'noopener noreferrer', class: 'res-title', testid: `res-open-${r.id}` }, r.title)
        : url
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
      r.contentType ? storedContent(r, title as HTMLAnchorElement) : null,
      progressControls(r),
      othersView(r),
    );
  };

  const loadFolder = async (parentId: number | null, into: HTMLElement): Promise<void> => {
    folders.set(parentId, into);
    try {
      const items = await api('GET /api/groups/:id/resources', { params: { id: groupId }, query: { parentFolderId: parentId } });
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
  const file = h('input', { type: 'file', testid: 'res-file', hidden: true, 'aria-label': 'File to upload' });
  const isUpload = (): boolean => type.value === 'image' || type.value === 'video' || type.value === 'file';

  // Uploads in progress, one row each (XHR upload progress), in the root folder.
  const progressList = h('ul', { class: 'uploads-progress', testid: 'uploads-progress' });
  const startUpload = (f: File, name: string): Promise<void> => {
    const bar = h('progress', { max: 100, value: 0 });
    const pct = h('span', { class: 'small pct' }, '0%');
    const row = h('li', { class: 'upload-row', testid: 'upload-row' }, h('span', { class: 'small upload-name' }, f.name), bar, pct);
    progressList.appendChild(row);
    return uploadResource(groupId, f, name, (fraction) => {
      bar.value = Math.round(fraction * 100);
      pct.textContent = `${Math.round(fraction * 100)}%`;
    })
      .then(() => {
        row.remove();
        return refresh();
      })
      .catch((err) => {
        row.classList.add('failed');
        pct.textContent = errorText(err);
        setTimeout(() => row.remove(), 8000);
        toast(errorText(err), 'error');
      });
  };
  const picker = h('input', { type: 'file', multiple: true, hidden: true, testid: 'res-upload-input', 'aria-label': 'Upload files' });
  picker.addEventListener('change', () => {
    for (const f of Array.from(picker.files ?? [])) void startUpload(f, f.name);
    picker.value = '';
  });
  const dropzone = h(
    'div',
    { class: 'dropzone', testid: 'res-dropzone' },
    h('span', { class: 'muted small' }, 'Drop images, videos or documents here, or '),
    h('button', { class: 'btn small', type: 'button', onclick: () => picker.click() }, 'Upload files…'),
    picker,
  );
  const addForm = h(
    'form',
    {
      class: 'row wrap add-resource',
      testid: 'add-resource',
      onsubmit: (e: SubmitEvent) => {
        e.preventDefault();
        if (isUpload()) {
          const chosen = file.files?.[0];
          if (!chosen) return toast('Choose a file to upload', 'error');
          void startUpload(chosen, title.value.trim() || chosen.name).then(() => {
            title.value = '';
            file.value = '';
          });
          return;
        }
        const body: RestBody<'POST /api/groups/:id/resources'> = { title: title.value.trim(), resourceType: chosen(type, RESOURCE_TYPES, 'link') };
        if (type.value !== 'folder') body.url = url.value.trim();
        api('POST /api/groups/:id/resources', { params: { id: groupId }, body })
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
    file,
    h('button', { class: 'btn primary small', type: 'submit' }, 'Add'),
  );
  type.addEventListener('change', () => {
    url.hidden = type.value === 'folder' || isUpload();
    file.hidden = !isUpload();
  });
  file.addEventListener('change', () => {
    if (!title.value.trim() && file.files?.[0]) title.value = file.files[0].name;
  });

  const refresh = async (): Promise<void> => {
    others.clear();
    mineUpdaters.clear();
    addForm.hidden = !canEdit();
    dropzone.hidden = !canEdit();
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
    dropzone,
    progressList,
    root,
  );
  // Files dropped anywhere on the panel are uploaded (when I may add resources).
  el.addEventListener('dragover', (e) => {
    if (!canEdit() || !e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    el.classList.add('dragging');
  });
  el.addEventListener('dragleave', (e) => {
    if (e.target === el) el.classList.remove('dragging');
  });
  el.addEventListener('drop', (e) => {
    el.classList.remove('dragging');
    if (!canEdit() || !e.dataTransfer?.files.length) return;
    e.preventDefault();
    for (const f of Array.from(e.dataTransfer.files)) void startUpload(f, f.name);
  });
  void refresh();
  return {
    el,
    refresh,
    syncControls: () => {
      addForm.hidden = !canEdit();
      dropzone.hidden = !canEdit();
    },
    destroy: () => {
      for (const d of disposers) d();
    },
  };
}
