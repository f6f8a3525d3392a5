// Decision and allocation methods, one area per subpath (`@peergov/methods/pb`, `/opinion`, `/ranked`, ...).
// Areas are imported by subpath so that each keeps its own names.
export * from './decision/index';
