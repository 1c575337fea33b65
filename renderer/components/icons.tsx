// Inline SVG icons (no icon font, nothing fetched): 24×24 strokes in currentColor, hidden from screen readers
// because every icon sits beside a text label.
import type { ReactNode } from 'react';

function Icon(props: { size?: number; children: ReactNode }) {
  const size = props.size ?? 20;
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.75}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {props.children}
    </svg>
  );
}

export type IconProps = { size?: number };

export const ServicesIcon = (props: IconProps) => (
  <Icon {...props}>
    <rect x="3" y="4" width="18" height="7" rx="2" />
    <rect x="3" y="13" width="18" height="7" rx="2" />
    <path d="M7 7.5h.01M7 16.5h.01M11 7.5h6M11 16.5h6" />
  </Icon>
);

export const ComposeIcon = (props: IconProps) => (
  <Icon {...props}>
    <path d="M11 3.5 12.9 8.6 18 10.5 12.9 12.4 11 17.5 9.1 12.4 4 10.5 9.1 8.6Z" />
    <path d="M18.5 15v5M16 17.5h5" />
  </Icon>
);

export const QueueIcon = (props: IconProps) => (
  <Icon {...props}>
    <path d="M12 3 3 7.5 12 12l9-4.5Z" />
    <path d="m3 12 9 4.5 9-4.5" />
    <path d="m3 16.5 9 4.5 9-4.5" />
  </Icon>
);

export const GalleryIcon = (props: IconProps) => (
  <Icon {...props}>
    <rect x="3" y="4" width="18" height="16" rx="2" />
    <circle cx="9" cy="9.5" r="1.75" />
    <path d="m21 15.5-4.6-4.6a1.5 1.5 0 0 0-2.1 0L5 20" />
  </Icon>
);

export const SettingsIcon = (props: IconProps) => (
  <Icon {...props}>
    <path d="M20 7h-9M14 17H4" />
    <circle cx="17" cy="17" r="3" />
    <circle cx="7" cy="7" r="3" />
  </Icon>
);

export const PlusIcon = (props: IconProps) => (
  <Icon {...props}>
    <path d="M12 5v14M5 12h14" />
  </Icon>
);

export const ArrowRightIcon = (props: IconProps) => (
  <Icon {...props}>
    <path d="M5 12h14M13 6l6 6-6 6" />
  </Icon>
);

export const CloseIcon = (props: IconProps) => (
  <Icon {...props}>
    <path d="M6 6l12 12M18 6 6 18" />
  </Icon>
);

/** The app's mark: a peak drawn like a node graph, three nodes on two links (ComfyUI workflows are graphs). */
export function LogoMark(props: { size?: number }) {
  const size = props.size ?? 28;
  return (
    <svg className="logo-mark" width={size} height={size} viewBox="0 0 28 28" aria-hidden="true" focusable="false">
      <rect width="28" height="28" rx="8" className="logo-mark__tile" />
      <path d="M8 19.5 14 8.5l6 11" className="logo-mark__links" />
      <circle cx="14" cy="8.5" r="2.4" className="logo-mark__node" />
      <circle cx="8" cy="19.5" r="2.4" className="logo-mark__node" />
      <circle cx="20" cy="19.5" r="2.4" className="logo-mark__node" />
    </svg>
  );
}
