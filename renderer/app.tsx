import { useEffect, useState } from 'react';
import { artlab } from './api/artlab';

export function App() {
  const [version, setVersion] = useState('');
  useEffect(() => {
    void artlab.call('app.info').then((info) => setVersion(info.version));
  }, []);
  return <h1>ArtLab Desktop {version}</h1>;
}
