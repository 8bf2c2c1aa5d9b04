// What a desktop does around an app, played by the test on its private
// session bus and X display: a tray host (a StatusNotifierWatcher, as KDE's,
// XFCE's or GNOME's AppIndicator extension) that lists the app's tray item and
// clicks its menu (dbusmenu), and a window manager's close button
// (WM_DELETE_WINDOW).
import dbus from 'dbus-next';
import x11 from 'x11';

const WATCHER = 'org.kde.StatusNotifierWatcher';

/** Owns the watcher's name on the session bus; records the items that register. */
export async function startTrayHost() {
  const bus = dbus.sessionBus();
  const items = [];
  // The item registers with its object path; its bus name is the caller's.
  bus.addMethodHandler((msg) => {
    if (msg.interface === WATCHER && msg.member === 'RegisterStatusNotifierItem') {
      const [service] = msg.body;
      items.push(service.startsWith('/') ? { name: msg.sender, path: service } : { name: service, path: '/StatusNotifierItem' });
    }
    return false;
  });
  const { Interface, ACCESS_READ } = dbus.interface;
  class Watcher extends Interface {
    RegisterStatusNotifierItem() {}
    RegisterStatusNotifierHost() {}
    get RegisteredStatusNotifierItems() {
      return items.map((i) => i.name);
    }
    get IsStatusNotifierHostRegistered() {
      return true;
    }
    get ProtocolVersion() {
      return 0;
    }
  }
  Watcher.configureMembers({
    methods: {
      RegisterStatusNotifierItem: { inSignature: 's', outSignature: '' },
      RegisterStatusNotifierHost: { inSignature: 's', outSignature: '' },
    },
    properties: {
      RegisteredStatusNotifierItems: { signature: 'as', access: ACCESS_READ },
      IsStatusNotifierHostRegistered: { signature: 'b', access: ACCESS_READ },
      ProtocolVersion: { signature: 'i', access: ACCESS_READ },
    },
  });
  bus.export('/StatusNotifierWatcher', new Watcher(WATCHER));
  await bus.requestName(WATCHER, 0);

  const names = async () => {
    const obj = await bus.getProxyObject('org.freedesktop.DBus', '/org/freedesktop/DBus');
    return obj.getInterface('org.freedesktop.DBus').ListNames();
  };
  return {
    /** The last item registered, once one is: { name, path }. */
    item: () => items.at(-1),
    /** Whether the item's process is still on the bus. */
    alive: async (item) => (await names()).includes(item.name),
    /** The item's menu: [{ id, label }]. */
    async menu(item) {
      const obj = await bus.getProxyObject(item.name, item.path);
      const props = obj.getInterface('org.freedesktop.DBus.Properties');
      const path = (await props.Get('org.kde.StatusNotifierItem', 'Menu')).value;
      const menu = (await bus.getProxyObject(item.name, path)).getInterface('com.canonical.dbusmenu');
      const [, layout] = await menu.GetLayout(0, -1, ['label']);
      const entries = layout[2].map((child) => ({ id: child.value[0], label: child.value[1].label?.value }));
      return {
        entries,
        click: (label) => {
          const entry = entries.find((e) => e.label === label);
          if (!entry) throw new Error(`no "${label}" in the tray menu: ${JSON.stringify(entries)}`);
          return menu.Event(entry.id, 'clicked', new dbus.Variant('i', 0), 0);
        },
      };
    },
    async stop() {
      await bus.releaseName(WATCHER);
      bus.disconnect();
    },
  };
}

/** A connection to the test's X display, promisified where used. */
function display() {
  return new Promise((resolve, reject) => {
    const client = x11.createClient((err, d) => (err ? reject(err) : resolve({ d, client })));
    client.on('error', reject);
  });
}

const call = (X, fn, ...args) => new Promise((resolve, reject) => X[fn](...args, (err, r) => (err ? reject(err) : resolve(r))));

/** The top-level windows titled `title`: [{ id, mapped }]. */
export async function windowsTitled(title) {
  const { d, client } = await display();
  const X = d.client;
  try {
    const root = d.screen[0].root;
    const utf8 = await call(X, 'InternAtom', false, 'UTF8_STRING');
    const netName = await call(X, 'InternAtom', false, '_NET_WM_NAME');
    const tree = await call(X, 'QueryTree', root);
    const found = [];
    for (const id of tree.children) {
      const prop = await call(X, 'GetProperty', 0, id, netName, utf8, 0, 1000);
      if (prop.data?.toString('utf8') !== title) continue;
      const attrs = await call(X, 'GetWindowAttributes', id);
      found.push({ id, mapped: attrs.mapState === 2 });
    }
    return found;
  } finally {
    client.terminate();
  }
}

/** Asks the window to close as a window manager's close button does
 * (WM_PROTOCOLS / WM_DELETE_WINDOW). */
export async function closeLikeWindowManager(id) {
  const { d, client } = await display();
  const X = d.client;
  try {
    const protocols = await call(X, 'InternAtom', false, 'WM_PROTOCOLS');
    const del = await call(X, 'InternAtom', false, 'WM_DELETE_WINDOW');
    const event = Buffer.alloc(32);
    event.writeUInt8(33, 0); // ClientMessage
    event.writeUInt8(32, 1); // format: 32-bit data
    event.writeUInt32LE(id, 4);
    event.writeUInt32LE(protocols, 8);
    event.writeUInt32LE(del, 12);
    event.writeUInt32LE(0, 16); // CurrentTime
    X.SendEvent(id, false, 0, event);
    await call(X, 'GetInputFocus'); // a round trip: the event is sent
  } finally {
    client.terminate();
  }
}
