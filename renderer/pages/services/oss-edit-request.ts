// "Add OSS location" from another page (Compose): which service's edit dialog the Services page opens at the OSS
// fields when it shows next. Read when the page mounts, cleared once it has been read.
import { navigateTo } from '../../navigation/use-current-page';

let pending: string | null = null;

export function openOssEdit(serviceId: string): void {
  pending = serviceId;
  navigateTo('services');
}

export function pendingOssEdit(): string | null {
  return pending;
}

export function clearOssEditRequest(): void {
  pending = null;
}
