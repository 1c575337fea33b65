// What the GPU behind one service is doing, read from EAS when the card shows and followed while it is on its way
// somewhere (starting, stopping, scaling). Each read is a signed call to Alibaba Cloud: a settled service, a hidden
// window or an unmounted page reads nothing more.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ServiceLifecycleDto } from '../../../preload/schemas/lifecycle';
import { artlab } from '../../api/artlab';
import { nextReadDelay, POLL_MS, worthReadingAgain } from './gpu-state';

export interface ServiceLifecycleState {
  state: ServiceLifecycleDto | null;
  /** The last read's failure, cleared by the next good read. */
  error: unknown;
  /** A reply from start/stop/scale: shown at once, and followed until it settles. */
  apply: (next: ServiceLifecycleDto) => void;
}

/** `revision`: the service record's updatedAt; an edit (another key, another EAS service) reads again. */
export function useServiceLifecycle(serviceId: string, revision: number): ServiceLifecycleState {
  const [state, setState] = useState<ServiceLifecycleDto | null>(null);
  const [error, setError] = useState<unknown>(null);
  // Bumped by apply(): the loop restarts from the action's reply instead of reading again at once.
  const [generation, setGeneration] = useState(0);
  const seed = useRef<ServiceLifecycleDto | null>(null);

  useEffect(() => {
    let closed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A read fell due while the window was hidden: it runs when the window shows again.
    let overdue = false;
    let failures = 0;
    const readIn = (ms: number) => {
      timer = setTimeout(() => {
        timer = undefined;
        void read();
      }, ms);
    };
    const read = async () => {
      if (document.hidden) {
        overdue = true;
        return;
      }
      try {
        const next = await artlab.call('services.lifecycle', { serviceId });
        if (closed) return;
        failures = 0;
        setState(next);
        setError(null);
        if (!next.settled) readIn(POLL_MS);
      } catch (cause) {
        if (closed) return;
        failures += 1;
        setError(cause);
        if (worthReadingAgain(cause)) readIn(nextReadDelay(failures));
      }
    };
    const onVisibility = () => {
      if (!document.hidden && overdue) {
        overdue = false;
        void read();
      }
    };
    document.addEventListener('visibilitychange', onVisibility);
    const start = seed.current;
    seed.current = null;
    if (!start) void read();
    else if (!start.settled) readIn(POLL_MS);
    return () => {
      closed = true;
      if (timer) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [serviceId, revision, generation]);

  const apply = useCallback((next: ServiceLifecycleDto) => {
    seed.current = next;
    setState(next);
    setError(null);
    setGeneration((value) => value + 1);
  }, []);

  return { state, error, apply };
}
