import { render } from 'preact';
import { App } from './app';
import { interceptLinkClick } from './router';

const root = document.getElementById('app');
if (root) {
  root.addEventListener('click', interceptLinkClick);
  render(<App />, root);
}
